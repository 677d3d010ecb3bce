package org.modftpd.spi;

import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A provider's answer to a lookup: found (with the value), declined (not mine, ask the next), or
 * error (the backend failed; the chain stops and the login fails).
 */
public final class AuthAnswer<T> {

    private enum Kind { FOUND, DECLINED, ERROR }

    private static final AuthAnswer<?> DECLINED = new AuthAnswer<>(Kind.DECLINED, null, null);

    private final Kind kind;
    private final T value;
    private final String reason;

    private AuthAnswer(Kind kind, T value, String reason) {
        this.kind = kind;
        this.value = value;
        this.reason = reason;
    }

    public static <T> AuthAnswer<T> found(T value) {
        return new AuthAnswer<>(Kind.FOUND, Objects.requireNonNull(value), null);
    }

    @SuppressWarnings("unchecked")
    public static <T> AuthAnswer<T> declined() {
        return (AuthAnswer<T>) DECLINED;
    }

    public static <T> AuthAnswer<T> error(String reason) {
        return new AuthAnswer<>(Kind.ERROR, null, Objects.requireNonNull(reason));
    }

    public boolean isFound() {
        return kind == Kind.FOUND;
    }

    public boolean isDeclined() {
        return kind == Kind.DECLINED;
    }

    public boolean isError() {
        return kind == Kind.ERROR;
    }

    public T value() {
        if (kind != Kind.FOUND) {
            throw new NoSuchElementException("no value: " + this);
        }
        return value;
    }

    /** Why the backend failed; null unless {@link #isError()}. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FOUND -> "found " + value;
            case DECLINED -> "declined";
            case ERROR -> "error: " + reason;
        };
    }
}

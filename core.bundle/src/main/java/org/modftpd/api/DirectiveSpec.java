package org.modftpd.api;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Describes one configuration directive: its name, where it may appear, how many arguments it takes,
 * how its arguments are parsed, its default, and how it is inherited by inner contexts.
 *
 * <p>The parser runs when the configuration is built, so a bad argument stops the server from
 * starting with the file and line; it runs again (cached per spec) when a lookup asks for the value,
 * so every module revision gets values of its own classes.
 *
 * @param <T> the parsed value type
 */
public final class DirectiveSpec<T> {

    /** How a directive set in an outer context reaches the inner ones. */
    public enum Merge {
        /** Only the context that sets it. */
        NONE,
        /** Inner contexts inherit it unless they set it themselves (ProFTPD's CF_MERGEDOWN). */
        DOWN,
        /** Inner contexts see their own instances and every outer one (CF_MERGEDOWN_MULTI). */
        DOWN_MULTI
    }

    /** Turns the arguments of one directive line into a value; throws with a message on bad input. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(List<String> args);
    }

    /** Contexts where a server-wide directive is allowed: server, {@code <VirtualHost>}, {@code <Global>}. */
    public static final Set<ContextKind> SERVER_CONTEXTS =
            EnumSet.of(ContextKind.SERVER, ContextKind.VIRTUAL_HOST, ContextKind.GLOBAL);

    /** Server contexts plus {@code <Anonymous>}. */
    public static final Set<ContextKind> SERVER_ANON_CONTEXTS =
            EnumSet.of(ContextKind.SERVER, ContextKind.VIRTUAL_HOST, ContextKind.GLOBAL, ContextKind.ANONYMOUS);

    /** Server, anonymous, directory and {@code .ftpaccess} contexts. */
    public static final Set<ContextKind> FILE_CONTEXTS = EnumSet.of(ContextKind.SERVER, ContextKind.VIRTUAL_HOST,
            ContextKind.GLOBAL, ContextKind.ANONYMOUS, ContextKind.DIRECTORY, ContextKind.FTPACCESS);

    private final String name;
    private final Set<ContextKind> contexts;
    private final int minArgs;
    private final int maxArgs;
    private final Parser<T> parser;
    private final T defaultValue;
    private final Merge merge;
    private final boolean repeatable;

    private DirectiveSpec(Builder<T> b) {
        this.name = b.name;
        this.contexts = Set.copyOf(b.contexts);
        this.minArgs = b.minArgs;
        this.maxArgs = b.maxArgs;
        this.parser = b.parser;
        this.defaultValue = b.defaultValue;
        this.merge = b.merge;
        this.repeatable = b.repeatable;
    }

    /** Starts a spec with a custom parser; defaults: server contexts, one or more arguments, inherited. */
    public static <T> Builder<T> builder(String name, Parser<T> parser) {
        return new Builder<>(name, parser);
    }

    /** An on/off directive ({@code on|off|yes|no|true|false|1|0}). */
    public static Builder<Boolean> flag(String name, boolean defaultValue) {
        return builder(name, args -> parseFlag(args.get(0))).args(1, 1).defaultValue(defaultValue);
    }

    /** A directive taking one whole number between {@code min} and {@code max}. */
    public static Builder<Long> number(String name, long defaultValue, long min, long max) {
        return builder(name, args -> parseNumber(args.get(0), min, max)).args(1, 1).defaultValue(defaultValue);
    }

    /** A directive taking exactly one string. */
    public static Builder<String> text(String name, String defaultValue) {
        return builder(name, args -> args.get(0)).args(1, 1).defaultValue(defaultValue);
    }

    /** A directive whose value is its argument list as given. */
    public static Builder<List<String>> words(String name, int minArgs, int maxArgs) {
        return builder(name, (Parser<List<String>>) List::copyOf).args(minArgs, maxArgs);
    }

    /** Parses ProFTPD's boolean spellings; throws with the accepted forms on anything else. */
    public static boolean parseFlag(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "on", "yes", "true", "1" -> true;
            case "off", "no", "false", "0" -> false;
            default -> throw new IllegalArgumentException("expected on or off, not '" + word + "'");
        };
    }

    /** Parses a whole number in a range; throws with the range on anything else. */
    public static long parseNumber(String word, long min, long max) {
        long n;
        try {
            n = Long.parseLong(word);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number, not '" + word + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(word + " is out of range " + min + "-" + max);
        }
        return n;
    }

    public String name() {
        return name;
    }

    public Set<ContextKind> contexts() {
        return contexts;
    }

    public int minArgs() {
        return minArgs;
    }

    /** The most arguments accepted, {@link Integer#MAX_VALUE} for no limit. */
    public int maxArgs() {
        return maxArgs;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public Merge merge() {
        return merge;
    }

    /** Whether several instances in one context are meaningful (otherwise the first one counts). */
    public boolean repeatable() {
        return repeatable;
    }

    /** Checks the argument count and parses; throws {@link IllegalArgumentException} with a message. */
    public T parse(List<String> args) {
        if (args.size() < minArgs) {
            throw new IllegalArgumentException(minArgs == maxArgs && minArgs == 1
                    ? "missing parameter" : "needs at least " + minArgs + " parameter" + (minArgs == 1 ? "" : "s"));
        }
        if (args.size() > maxArgs) {
            throw new IllegalArgumentException("too many parameters (at most " + maxArgs + ")");
        }
        T value = parser.parse(args);
        return Objects.requireNonNull(value, "parser of " + name + " returned null");
    }

    @Override
    public String toString() {
        return name;
    }

    /** Builds a {@link DirectiveSpec}. */
    public static final class Builder<T> {
        private final String name;
        private final Parser<T> parser;
        private Set<ContextKind> contexts = SERVER_CONTEXTS;
        private int minArgs = 1;
        private int maxArgs = Integer.MAX_VALUE;
        private T defaultValue;
        private Merge merge = Merge.DOWN;
        private boolean repeatable;

        private Builder(String name, Parser<T> parser) {
            this.name = Objects.requireNonNull(name);
            this.parser = Objects.requireNonNull(parser);
        }

        public Builder<T> contexts(Set<ContextKind> allowed) {
            this.contexts = EnumSet.copyOf(allowed);
            return this;
        }

        public Builder<T> contexts(ContextKind first, ContextKind... rest) {
            this.contexts = EnumSet.of(first, rest);
            return this;
        }

        public Builder<T> args(int min, int max) {
            this.minArgs = min;
            this.maxArgs = max;
            return this;
        }

        public Builder<T> defaultValue(T value) {
            this.defaultValue = value;
            return this;
        }

        public Builder<T> merge(Merge how) {
            this.merge = how;
            return this;
        }

        /** Several instances per context are kept (lists such as {@code DefaultRoot} with group expressions). */
        public Builder<T> repeatable() {
            this.repeatable = true;
            return this;
        }

        public DirectiveSpec<T> build() {
            return new DirectiveSpec<>(this);
        }
    }
}

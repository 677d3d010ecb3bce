package org.modftpd.core.internal.config;

import java.util.List;
import org.modftpd.api.DirectiveSpec;

/** One directive line that passed validation; parses its value per spec on demand and remembers it. */
public final class DirectiveEntry {
    private final String name;
    private final List<String> args;
    private final Location location;
    private volatile Object[] cached;

    public DirectiveEntry(String name, List<String> args, Location location) {
        this.name = name;
        this.args = List.copyOf(args);
        this.location = location;
    }

    public String name() {
        return name;
    }

    public List<String> args() {
        return args;
    }

    public Location location() {
        return location;
    }

    /** The value as the given spec parses it; the last spec asked is remembered with its value. */
    @SuppressWarnings("unchecked")
    public <T> T value(DirectiveSpec<T> spec) {
        Object[] c = cached;
        if (c != null && c[0] == spec) {
            return (T) c[1];
        }
        T value = spec.parse(args);
        cached = new Object[] {spec, value};
        return value;
    }

    @Override
    public String toString() {
        return name + " " + String.join(" ", args) + " (" + location + ")";
    }
}

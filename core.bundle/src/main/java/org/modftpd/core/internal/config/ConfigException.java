package org.modftpd.core.internal.config;

import java.io.Serial;
import java.util.List;

/** A configuration that cannot be used; each problem names file, line and what is wrong. */
public final class ConfigException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(Location where, String problem) {
        this(List.of(where + ": " + problem));
    }

    public List<String> problems() {
        return problems;
    }
}

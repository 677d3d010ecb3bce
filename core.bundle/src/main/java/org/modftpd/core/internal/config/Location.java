package org.modftpd.core.internal.config;

/** A place in a configuration file, printed as {@code file:line}. */
public record Location(String file, int line) {
    @Override
    public String toString() {
        return file + ":" + line;
    }
}

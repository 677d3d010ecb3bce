package org.modftpd.itest.support;

import java.util.List;

/** A server reply as the client received it: the code and every raw line. */
public record Reply(int code, List<String> lines) {

    public Reply {
        lines = List.copyOf(lines);
    }

    /** The text of the last line, without the code. */
    public String text() {
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        return last.length() > 4 ? last.substring(4) : "";
    }

    /** The whole reply as sent, lines joined with newlines. */
    public String raw() {
        return String.join("\n", lines);
    }

    @Override
    public String toString() {
        return raw();
    }
}

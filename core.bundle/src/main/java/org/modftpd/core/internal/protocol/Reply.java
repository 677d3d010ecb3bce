package org.modftpd.core.internal.protocol;

import java.util.ArrayList;
import java.util.List;

/** One line of a reply: its code and its text (continuation lines share the code). */
public record Reply(int code, String text) {

    /** Splits text with line breaks into one line each, all with the same code. */
    public static List<Reply> lines(int code, String text) {
        if (text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return List.of(new Reply(code, text));
        }
        List<Reply> out = new ArrayList<>();
        for (String part : text.split("\r?\n|\r", -1)) {
            out.add(new Reply(code, part));
        }
        if (out.size() > 1 && out.get(out.size() - 1).text().isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /**
     * Formats reply lines as ProFTPD sends them: consecutive lines with the same code fold into one
     * multi-line reply ({@code 211-first}, {@code  middle}, {@code 211 last}); with
     * {@code rfc2228} the middle lines carry the code too ({@code 211-middle}).
     */
    public static String format(List<Reply> replies, boolean rfc2228) {
        StringBuilder out = new StringBuilder(64 * replies.size());
        int n = replies.size();
        boolean inMulti = false;
        for (int i = 0; i < n; i++) {
            Reply r = replies.get(i);
            boolean nextSame = i + 1 < n && replies.get(i + 1).code() == r.code();
            String text = sanitize(r.text());
            if (!inMulti) {
                if (nextSame) {
                    out.append(r.code()).append('-').append(text).append("\r\n");
                    inMulti = true;
                } else {
                    out.append(r.code()).append(' ').append(text).append("\r\n");
                }
            } else if (nextSame) {
                if (rfc2228) {
                    out.append(r.code()).append('-').append(text).append("\r\n");
                } else {
                    out.append(' ').append(text).append("\r\n");
                }
            } else {
                out.append(r.code()).append(' ').append(text).append("\r\n");
                inMulti = false;
            }
        }
        return out.toString();
    }

    /** No CR, LF or NUL may reach the wire inside a reply line (they would forge replies). */
    private static String sanitize(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                StringBuilder b = new StringBuilder(text.length());
                for (int j = 0; j < text.length(); j++) {
                    char d = text.charAt(j);
                    b.append(d == '\r' || d == '\n' || d == 0 ? ' ' : d);
                }
                return b.toString();
            }
        }
        return text;
    }
}

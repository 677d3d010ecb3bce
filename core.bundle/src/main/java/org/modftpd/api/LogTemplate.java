package org.modftpd.api;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A LogFormat template ({@code "%h %l %u %t \"%r\" %s %b"}, or an SQLNamedQuery) split into literal
 * text and variable tokens such as {@code %u}, {@code %{note:key}}, {@code %{HOME}e} or
 * {@code %{%Y-%m-%d}t}. {@code %%} is a literal percent sign. Resolve tokens with
 * {@link Command#variable} or {@link Session#variable}.
 */
public final class LogTemplate {

    /** A piece of a template: literal text, or a variable token (with its {@code %}). */
    public record Part(String text, boolean variable) {
    }

    private final List<Part> parts;

    private LogTemplate(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    public static LogTemplate parse(String template) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        int n = template.length();
        while (i < n) {
            char c = template.charAt(i);
            if (c != '%' || i + 1 >= n) {
                literal.append(c);
                i++;
                continue;
            }
            char next = template.charAt(i + 1);
            if (next == '%') {
                literal.append('%');
                i += 2;
                continue;
            }
            int end;
            if (next == '{') {
                int close = template.indexOf('}', i + 2);
                if (close < 0) {
                    literal.append(template, i, n);
                    break;
                }
                end = close + 1;
                if (end < n && (template.charAt(end) == 'e' || template.charAt(end) == 't')
                        && !template.startsWith("%{note:", i) && !template.startsWith("%{env:", i)
                        && !template.startsWith("%{time:", i) && isSuffixForm(template, i, close)) {
                    end++;
                }
            } else {
                end = i + 2;
            }
            if (!literal.isEmpty()) {
                parts.add(new Part(literal.toString(), false));
                literal.setLength(0);
            }
            parts.add(new Part(template.substring(i, end), true));
            i = end;
        }
        if (!literal.isEmpty()) {
            parts.add(new Part(literal.toString(), false));
        }
        return new LogTemplate(parts);
    }

    /** {@code %{NAME}e} and {@code %{format}t} take a letter after the brace; named variables do not. */
    private static boolean isSuffixForm(String template, int start, int close) {
        String inner = template.substring(start + 2, close);
        return switch (inner) {
            case "basename", "epoch", "file-modified", "file-size", "gid", "iso8601", "microsecs", "millisecs",
                    "protocol", "remote-port", "transfer-failure", "transfer-millisecs", "transfer-port",
                    "transfer-status", "transfer-type", "uid", "version" -> false;
            default -> true;
        };
    }

    public List<Part> parts() {
        return parts;
    }

    /** Renders the template, each variable replaced by {@code values} (null values become "-"). */
    public String render(Function<String, String> values) {
        StringBuilder out = new StringBuilder();
        for (Part p : parts) {
            if (p.variable()) {
                String v = values.apply(p.text());
                out.append(v == null ? "-" : v);
            } else {
                out.append(p.text());
            }
        }
        return out.toString();
    }
}

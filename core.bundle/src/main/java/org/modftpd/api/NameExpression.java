package org.modftpd.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * ProFTPD's name expressions, as in {@code AllowUser}, {@code DenyGroup}, {@code <IfUser>} or
 * {@code DefaultRoot ~ users,!staff}: names separated by commas or blanks, each optionally negated
 * with {@code !}, combined with AND or OR (a leading {@code AND} or {@code OR} word chooses, else the
 * default of the directive), or {@code regex <pattern>}.
 */
public final class NameExpression {

    private final List<String> names;
    private final boolean and;
    private final Pattern regex;

    private NameExpression(List<String> names, boolean and, Pattern regex) {
        this.names = names;
        this.and = and;
        this.regex = regex;
    }

    /**
     * Parses the arguments of a directive or section.
     *
     * @param andByDefault true for group expressions (ProFTPD ANDs them), false for users and classes
     * @throws IllegalArgumentException for a bad regular expression or an empty expression
     */
    public static NameExpression parse(List<String> args, boolean andByDefault) {
        List<String> words = new ArrayList<>();
        for (String a : args) {
            for (String part : a.split(",")) {
                if (!part.isBlank()) {
                    words.add(part.strip());
                }
            }
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("empty name expression");
        }
        String first = words.get(0).toUpperCase(Locale.ROOT);
        if (first.equals("REGEX")) {
            if (args.size() < 2) {
                throw new IllegalArgumentException("regex needs a pattern");
            }
            String pattern = String.join(" ", args.subList(1, args.size()));
            try {
                return new NameExpression(List.of(), false, Pattern.compile(pattern));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("bad regular expression '" + pattern + "'");
            }
        }
        boolean and = andByDefault;
        if (first.equals("AND") || first.equals("OR")) {
            and = first.equals("AND");
            words.remove(0);
        }
        List<String> kept = new ArrayList<>();
        for (String w : words) {
            String upper = w.toUpperCase(Locale.ROOT);
            if (upper.equals("AND")) {
                and = true;
            } else if (upper.equals("OR")) {
                and = false;
            } else {
                kept.add(w);
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("empty name expression");
        }
        return new NameExpression(List.copyOf(kept), and, null);
    }

    /** Whether the candidates (a user name, a user's groups, a class) satisfy the expression. */
    public boolean matches(Collection<String> candidates) {
        if (regex != null) {
            for (String c : candidates) {
                if (regex.matcher(c).find()) {
                    return true;
                }
            }
            return false;
        }
        for (String n : names) {
            boolean negated = n.startsWith("!");
            String name = negated ? n.substring(1) : n;
            boolean hit = candidates.contains(name) != negated;
            if (and && !hit) {
                return false;
            }
            if (!and && hit) {
                return true;
            }
        }
        return and;
    }

    @Override
    public String toString() {
        return regex != null ? "regex " + regex.pattern() : String.join(and ? " AND " : " OR ", names);
    }
}

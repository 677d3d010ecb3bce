package org.modftpd.mod_sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.modftpd.api.LogTemplate;

/**
 * An SQL text with LogFormat variables ({@code SQLNamedQuery}, {@code SQLUserWhereClause}, ...),
 * compiled once per backend into SQL with {@code ?} placeholders, so that no value taken from a
 * client, DNS, a note or the environment ever becomes SQL text.
 *
 * <p>The template is lexed with the backend's rules for string literals, quoted identifiers and
 * comments:
 * <ul>
 * <li>a variable outside any quotes ({@code uid = %{0}}) becomes a bound parameter;</li>
 * <li>a quoted string literal that contains variables ({@code '%u@%v'}, {@code '%%,%{0},%%'}) is
 *     replaced by one bound parameter whose value is the literal's text with the variables filled
 *     in, which is exactly what the literal would have meant;</li>
 * <li>where a parameter cannot stand (a typed literal such as {@code TIMESTAMP '%{time:...}'}, a
 *     PostgreSQL {@code E'...'} string, a quoted identifier) the value is escaped with the backend's
 *     rules for that kind of quote, and a backslash just before a variable is doubled so it can
 *     never escape the value's first character;</li>
 * <li>a variable inside a comment is dropped;</li>
 * <li>a variable glued to an identifier ({@code log_%{time:%Y}}) is accepted only if its value is
 *     made of letters, digits and underscores, and fails the statement otherwise.</li>
 * </ul>
 * Unknown {@code %x} sequences stay literal text, and {@code %%} is a percent sign, as in ProFTPD.
 */
final class SqlTemplate {

    /** Thrown when a template or a value cannot be turned into safe SQL. */
    static final class TemplateException extends Exception {
        private static final long serialVersionUID = 1L;

        TemplateException(String message) {
            super(message, null, false, false);
        }
    }

    /** The SQL and the parameters of one execution. */
    record Bound(String sql, List<Object> params) {
        @Override
        public String toString() {
            return params.isEmpty() ? sql : sql + " " + params;
        }
    }

    /** The values of variable tokens ({@code %u}, {@code %{0}}, ...); may refuse a token. */
    @FunctionalInterface
    interface Values {
        /** The value of a token; null is taken as empty. */
        String get(String token) throws TemplateException;
    }

    /** How a spliced value is escaped, by the quote that surrounds it. */
    enum Quoting {
        /** {@code '...'} where only a doubled quote is special (PostgreSQL with standard strings, SQLite). */
        STANDARD,
        /** {@code '...'} or {@code "..."} where a backslash escapes too (MySQL, PostgreSQL E'...'). */
        BACKSLASH,
        /** A quoted identifier: the quote character is doubled. */
        IDENTIFIER,
        /** SQLite's {@code [identifier]}: a closing bracket cannot be escaped, so it is removed. */
        BRACKETS
    }

    /** Literal value text or a variable token. */
    record Chunk(String text, boolean variable) {
    }

    sealed interface Piece permits Text, Param, Escaped, Fragment {
    }

    /** SQL text from the template. */
    record Text(String sql) implements Piece {
    }

    /** A bound parameter: its value is the chunks joined; {@code bare} when it stood outside quotes. */
    record Param(List<Chunk> value, boolean bare) implements Piece {
    }

    /** A value spliced inside quotes: static chunks are already valid there, variables get escaped. */
    record Escaped(List<Chunk> value, Quoting quoting, char quote) implements Piece {
    }

    /** A variable glued to an identifier. */
    record Fragment(String token) implements Piece {
    }

    /** Words after which a string literal is an ordinary expression, so a parameter can replace it. */
    private static final Set<String> EXPRESSION_KEYWORDS = Set.of("ALL", "AND", "ANY", "BETWEEN", "BY", "CASE",
            "DISTINCT", "DIV", "ELSE", "ESCAPE", "EXISTS", "FROM", "GLOB", "HAVING", "ILIKE", "IN", "IS", "LIKE",
            "LIMIT", "MATCH", "MOD", "NOT", "OFFSET", "ON", "OR", "REGEXP", "RETURNING", "RLIKE", "SELECT", "SET",
            "SIMILAR", "SOME", "THEN", "TO", "USING", "VALUES", "WHEN", "WHERE", "XOR", "ZONE");

    private static final String SINGLE_LETTER_VARIABLES = "aAbcdDEfFghHIJlLmOpPrRsStTuUvVw";
    private static final Pattern IDENTIFIER_VALUE = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]{1,18}");

    private final String source;
    private final Backend backend;
    private final List<Piece> pieces;

    private SqlTemplate(String source, Backend backend, List<Piece> pieces) {
        this.source = source;
        this.backend = backend;
        this.pieces = List.copyOf(pieces);
    }

    /** Whether a token from {@link LogTemplate} is a variable (else it is literal text, like {@code %'}). */
    static boolean isVariable(String token) {
        if (token.startsWith("%{")) {
            return true;
        }
        return token.length() == 2 && SINGLE_LETTER_VARIABLES.indexOf(token.charAt(1)) >= 0;
    }

    /** Compiles a template for a backend; throws for an unterminated quote or comment. */
    static SqlTemplate compile(String template, Backend backend) throws TemplateException {
        return new Compiler(template, backend).run();
    }

    String source() {
        return source;
    }

    List<Piece> pieces() {
        return pieces;
    }

    /**
     * Fills in the variables. {@code values} maps a token such as {@code %u} or {@code %{0}} to its
     * value (null is taken as empty).
     */
    Bound bind(Values values) throws TemplateException {
        StringBuilder sql = new StringBuilder(source.length() + 16);
        List<Object> params = new ArrayList<>();
        for (Piece p : pieces) {
            switch (p) {
                case Text t -> sql.append(t.sql());
                case Param param -> {
                    String v = join(param.value(), values);
                    sql.append('?');
                    if (param.bare() && backend != Backend.POSTGRES && WHOLE_NUMBER.matcher(v).matches()) {
                        params.add(Long.parseLong(v));
                    } else {
                        params.add(v);
                    }
                }
                case Escaped e -> {
                    for (Chunk c : e.value()) {
                        sql.append(c.variable() ? escape(value(values, c.text()), e.quoting(), e.quote()) : c.text());
                    }
                }
                case Fragment f -> {
                    String v = value(values, f.token());
                    if (!IDENTIFIER_VALUE.matcher(v).matches()) {
                        throw new TemplateException("the value of " + f.token()
                                + " is part of an SQL name but is not made of letters, digits and underscores");
                    }
                    sql.append(v);
                }
            }
        }
        return new Bound(sql.toString(), List.copyOf(params));
    }

    private static String join(List<Chunk> chunks, Values values) throws TemplateException {
        if (chunks.size() == 1) {
            Chunk c = chunks.get(0);
            return c.variable() ? value(values, c.text()) : c.text();
        }
        StringBuilder b = new StringBuilder();
        for (Chunk c : chunks) {
            b.append(c.variable() ? value(values, c.text()) : c.text());
        }
        return b.toString();
    }

    private static String value(Values values, String token) throws TemplateException {
        String v = values.get(token);
        return v == null ? "" : v;
    }

    /** Escapes a value for the inside of a quote; NUL characters are removed (no backend keeps them). */
    static String escape(String value, Quoting quoting, char quote) {
        StringBuilder b = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                continue;
            }
            switch (quoting) {
                case STANDARD, IDENTIFIER -> {
                    if (c == quote) {
                        b.append(c);
                    }
                    b.append(c);
                }
                case BACKSLASH -> {
                    if (c == quote || c == '\\') {
                        b.append(c == '\\' ? '\\' : c);
                    }
                    b.append(c);
                }
                case BRACKETS -> {
                    if (c != ']') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return source;
    }

    // ------------------------------------------------------------------ the lexer

    /** One character of template text, or one variable token. */
    private record Item(char c, String token) {
        boolean isChar() {
            return token == null;
        }

        boolean is(char x) {
            return token == null && c == x;
        }
    }

    private static final class Compiler {
        private final String template;
        private final Backend backend;
        private final List<Item> items = new ArrayList<>();
        private final List<Piece> pieces = new ArrayList<>();
        /** The skeleton of the SQL so far (placeholders included), for looking back at prefixes. */
        private final StringBuilder skeleton = new StringBuilder();
        private final StringBuilder text = new StringBuilder();
        private int i;

        Compiler(String template, Backend backend) {
            this.template = template;
            this.backend = backend;
            for (LogTemplate.Part p : LogTemplate.parse(template).parts()) {
                if (p.variable() && isVariable(p.text())) {
                    items.add(new Item('\0', p.text()));
                } else {
                    for (int k = 0; k < p.text().length(); k++) {
                        items.add(new Item(p.text().charAt(k), null));
                    }
                }
            }
        }

        SqlTemplate run() throws TemplateException {
            while (i < items.size()) {
                Item it = items.get(i);
                if (!it.isChar()) {
                    bareVariable(it.token());
                    i++;
                    continue;
                }
                char c = it.c();
                if (c == '\'') {
                    literal('\'', backend.backslashInStrings() ? Quoting.BACKSLASH : Quoting.STANDARD);
                } else if (c == '"' && backend.doubleQuotedStrings()) {
                    literal('"', Quoting.BACKSLASH);
                } else if (c == '"') {
                    identifier('"', '"', Quoting.IDENTIFIER);
                } else if (c == '`' && backend.backtickIdentifiers()) {
                    identifier('`', '`', Quoting.IDENTIFIER);
                } else if (c == '[' && backend == Backend.SQLITE3) {
                    identifier('[', ']', Quoting.BRACKETS);
                } else if (c == '-' && peek(1, '-') && lineCommentAfterDashes()) {
                    comment(false);
                } else if (c == '#' && backend == Backend.MYSQL) {
                    comment(false);
                } else if (c == '/' && peek(1, '*')) {
                    comment(true);
                } else if (c == '$' && backend == Backend.POSTGRES && dollarTag() != null) {
                    dollarQuoted(dollarTag());
                } else if (c == '?' && backend == Backend.POSTGRES) {
                    // a literal question mark (a jsonb operator) is written twice for the driver
                    emit("??");
                    i++;
                } else {
                    emit(c);
                    i++;
                }
            }
            flush();
            return new SqlTemplate(template, backend, pieces);
        }

        // -------------------------------------------------------------- variables outside quotes

        private void bareVariable(String token) {
            boolean gluedBefore = !skeleton.isEmpty() && identifierChar(skeleton.charAt(skeleton.length() - 1));
            boolean gluedAfter = i + 1 < items.size() && items.get(i + 1).isChar()
                    && identifierChar(items.get(i + 1).c());
            if (gluedBefore || gluedAfter) {
                add(new Fragment(token));
                skeleton.append('x');
            } else {
                add(new Param(List.of(new Chunk(token, true)), true));
                skeleton.append('?');
            }
        }

        // -------------------------------------------------------------- string literals

        /** What stands before a string literal decides whether a parameter may replace it. */
        private enum Prefix { NONE, TYPED, ESCAPE_STRING }

        private Prefix prefix() {
            int end = skeleton.length();
            if (end == 0) {
                return Prefix.NONE;
            }
            char last = skeleton.charAt(end - 1);
            if (identifierChar(last) || last == '&') {
                int start = end;
                while (start > 0 && identifierChar(skeleton.charAt(start - 1))) {
                    start--;
                }
                String word = skeleton.substring(start, end);
                if (backend == Backend.POSTGRES && (word.equalsIgnoreCase("E") || last == '&')) {
                    return Prefix.ESCAPE_STRING;
                }
                return Prefix.TYPED;
            }
            int k = end - 1;
            while (k >= 0 && Character.isWhitespace(skeleton.charAt(k))) {
                k--;
            }
            if (k < 0 || !identifierChar(skeleton.charAt(k))) {
                return Prefix.NONE;
            }
            int start = k;
            while (start > 0 && identifierChar(skeleton.charAt(start - 1))) {
                start--;
            }
            String word = skeleton.substring(start, k + 1).toUpperCase(Locale.ROOT);
            return EXPRESSION_KEYWORDS.contains(word) ? Prefix.NONE : Prefix.TYPED;
        }

        private void literal(char quote, Quoting quoting) throws TemplateException {
            Prefix prefix = prefix();
            if (prefix == Prefix.ESCAPE_STRING) {
                quoting = Quoting.BACKSLASH;
            }
            boolean backslash = quoting == Quoting.BACKSLASH;
            List<Chunk> raw = new ArrayList<>();
            List<Chunk> decoded = new ArrayList<>();
            StringBuilder rawText = new StringBuilder();
            StringBuilder decodedText = new StringBuilder();
            boolean variables = false;
            int start = i;
            i++;
            while (true) {
                if (i >= items.size()) {
                    throw new TemplateException("unterminated " + quote + "-quoted string in query '" + template + "'");
                }
                Item it = items.get(i);
                if (!it.isChar()) {
                    variables = true;
                    flushChunk(raw, rawText);
                    flushChunk(decoded, decodedText);
                    raw.add(new Chunk(it.token(), true));
                    decoded.add(new Chunk(it.token(), true));
                    i++;
                    continue;
                }
                char c = it.c();
                if (c == quote) {
                    if (peek(1, quote)) {
                        rawText.append(quote).append(quote);
                        decodedText.append(quote);
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (c == '\\' && backslash) {
                    if (i + 1 < items.size() && items.get(i + 1).isChar()) {
                        char next = items.get(i + 1).c();
                        rawText.append('\\').append(next);
                        decodedText.append(unescape(next));
                        i += 2;
                    } else {
                        // a backslash before a variable would escape the value's first character
                        rawText.append("\\\\");
                        decodedText.append('\\');
                        i++;
                    }
                    continue;
                }
                rawText.append(c);
                decodedText.append(c);
                i++;
            }
            flushChunk(raw, rawText);
            flushChunk(decoded, decodedText);
            if (!variables) {
                emitItems(start, i);
                return;
            }
            if (prefix == Prefix.NONE) {
                add(new Param(decoded, false));
                skeleton.append('?');
                return;
            }
            emit(quote);
            add(new Escaped(raw, quoting, quote));
            skeleton.append('x');
            emit(quote);
        }

        private char unescape(char c) {
            return switch (c) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                case 'b' -> '\b';
                case '0' -> '\0';
                case 'Z' -> (char) 26;
                default -> c;
            };
        }

        // -------------------------------------------------------------- quoted identifiers

        private void identifier(char open, char close, Quoting quoting) throws TemplateException {
            List<Chunk> raw = new ArrayList<>();
            StringBuilder rawText = new StringBuilder();
            boolean variables = false;
            int start = i;
            i++;
            while (true) {
                if (i >= items.size()) {
                    throw new TemplateException("unterminated " + open + "-quoted name in query '" + template + "'");
                }
                Item it = items.get(i);
                if (!it.isChar()) {
                    variables = true;
                    flushChunk(raw, rawText);
                    raw.add(new Chunk(it.token(), true));
                    i++;
                    continue;
                }
                if (it.c() == close) {
                    if (quoting != Quoting.BRACKETS && peek(1, close)) {
                        rawText.append(close).append(close);
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                rawText.append(it.c());
                i++;
            }
            flushChunk(raw, rawText);
            if (!variables) {
                emitItems(start, i);
                return;
            }
            emit(open);
            add(new Escaped(raw, quoting, close));
            skeleton.append('x');
            emit(close);
        }

        // -------------------------------------------------------------- comments

        /** {@code --} starts a comment everywhere but in MySQL, where a blank must follow it. */
        private boolean lineCommentAfterDashes() {
            if (backend != Backend.MYSQL) {
                return true;
            }
            if (i + 2 >= items.size()) {
                return true;
            }
            Item after = items.get(i + 2);
            return after.isChar() && (Character.isWhitespace(after.c()) || after.c() < ' ');
        }

        private void comment(boolean block) throws TemplateException {
            int depth = 0;
            while (i < items.size()) {
                Item it = items.get(i);
                if (!it.isChar()) {
                    i++; // a value has no business in a comment
                    continue;
                }
                char c = it.c();
                if (!block && c == '\n') {
                    emit(c);
                    i++;
                    return;
                }
                if (block && c == '/' && peek(1, '*')) {
                    depth++;
                    emit("/*");
                    i += 2;
                    if (depth > 1 && backend != Backend.POSTGRES) {
                        depth = 1; // only PostgreSQL nests block comments
                    }
                    continue;
                }
                if (block && c == '*' && peek(1, '/')) {
                    emit("*/");
                    i += 2;
                    if (--depth == 0) {
                        return;
                    }
                    continue;
                }
                emit(c);
                i++;
            }
            if (block) {
                throw new TemplateException("unterminated comment in query '" + template + "'");
            }
        }

        // -------------------------------------------------------------- PostgreSQL dollar quotes

        /** The tag of a dollar quote starting at the current position ({@code ""} for {@code $$}), or null. */
        private String dollarTag() {
            if (!skeleton.isEmpty() && identifierChar(skeleton.charAt(skeleton.length() - 1))) {
                return null; // part of an identifier such as a$b
            }
            StringBuilder tag = new StringBuilder();
            int k = i + 1;
            while (k < items.size() && items.get(k).isChar()) {
                char c = items.get(k).c();
                if (c == '$') {
                    return tag.toString();
                }
                boolean ok = tag.isEmpty() ? Character.isLetter(c) || c == '_' : identifierChar(c);
                if (!ok) {
                    return null;
                }
                tag.append(c);
                k++;
            }
            return null;
        }

        private void dollarQuoted(String tag) throws TemplateException {
            Prefix prefix = prefix();
            String delimiter = "$" + tag + "$";
            int start = i;
            i += delimiter.length();
            List<Chunk> content = new ArrayList<>();
            StringBuilder textPart = new StringBuilder();
            boolean variables = false;
            while (true) {
                if (i >= items.size()) {
                    throw new TemplateException("unterminated dollar-quoted string in query '" + template + "'");
                }
                Item it = items.get(i);
                if (!it.isChar()) {
                    variables = true;
                    flushChunk(content, textPart);
                    content.add(new Chunk(it.token(), true));
                    i++;
                    continue;
                }
                if (it.c() == '$' && matches(i, delimiter)) {
                    i += delimiter.length();
                    break;
                }
                textPart.append(it.c());
                i++;
            }
            flushChunk(content, textPart);
            if (!variables) {
                emitItems(start, i);
                return;
            }
            if (prefix == Prefix.NONE) {
                add(new Param(content, false));
                skeleton.append('?');
                return;
            }
            // a typed literal: quote it the standard way instead, escaping the static text too
            List<Chunk> requoted = new ArrayList<>();
            for (Chunk c : content) {
                requoted.add(c.variable() ? c : new Chunk(escape(c.text(), Quoting.STANDARD, '\''), false));
            }
            emit('\'');
            add(new Escaped(requoted, Quoting.STANDARD, '\''));
            skeleton.append('x');
            emit('\'');
        }

        private boolean matches(int from, String s) {
            for (int k = 0; k < s.length(); k++) {
                if (from + k >= items.size() || !items.get(from + k).is(s.charAt(k))) {
                    return false;
                }
            }
            return true;
        }

        // -------------------------------------------------------------- output

        private boolean peek(int ahead, char c) {
            return i + ahead < items.size() && items.get(i + ahead).is(c);
        }

        private static boolean identifierChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '$';
        }

        private static void flushChunk(List<Chunk> chunks, StringBuilder b) {
            if (!b.isEmpty()) {
                chunks.add(new Chunk(b.toString(), false));
                b.setLength(0);
            }
        }

        /** Emits template characters from {@code from} to {@code to} verbatim (they hold no variables). */
        private void emitItems(int from, int to) {
            for (int k = from; k < to; k++) {
                char c = items.get(k).c();
                if (c == '?' && backend == Backend.POSTGRES) {
                    // inside quotes or comments the driver leaves question marks alone
                    emit('?');
                } else {
                    emit(c);
                }
            }
        }

        private void emit(char c) {
            text.append(c);
            skeleton.append(c);
        }

        private void emit(String s) {
            text.append(s);
            skeleton.append(s);
        }

        private void add(Piece p) {
            flush();
            pieces.add(p);
        }

        private void flush() {
            if (!text.isEmpty()) {
                pieces.add(new Text(text.toString()));
                text.setLength(0);
            }
        }
    }
}

package org.modftpd.core.internal.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Reads proftpd.conf syntax into a tree of {@link Node}s: comments, continuation lines, quoting,
 * {@code %{env:VAR}}, {@code Define} with {@code ${NAME}}, {@code <IfDefine>}, and {@code Include}
 * with globs. It knows nothing of which directives exist; {@link ConfigBuilder} checks that.
 */
public final class ConfigParser {

    private static final int MAX_INCLUDE_DEPTH = 16;

    private final Map<String, String> defines;
    private final UnaryOperator<String> environment;
    private final List<String> problems = new ArrayList<>();
    private boolean includesAllowed = true;
    /** The files being read, outermost first: an Include of one of them is a loop. */
    private final Deque<Path> reading = new ArrayDeque<>();

    private ConfigParser(Map<String, String> defines, UnaryOperator<String> environment) {
        this.defines = new LinkedHashMap<>(defines);
        this.environment = environment;
    }

    /**
     * Parses a {@code .ftpaccess} file: no Include (users may write these files), no environment
     * variables, no defines.
     */
    public static Node.Section parseFtpAccess(Path file) throws ConfigException {
        ConfigParser parser = new ConfigParser(Map.of(), name -> null);
        parser.includesAllowed = false;
        List<Node> nodes = parser.readFile(file.toAbsolutePath().normalize(), null, 0);
        return parser.finish(file.toString(), nodes);
    }

    /**
     * Parses a file.
     *
     * @param defines     names given with {@code -D} (values may be empty)
     * @param environment looks up {@code %{env:VAR}}; null for unset
     */
    public static Node.Section parseFile(Path file, Map<String, String> defines, UnaryOperator<String> environment)
            throws ConfigException {
        ConfigParser parser = new ConfigParser(defines, environment);
        List<Node> nodes = parser.readFile(file.toAbsolutePath().normalize(), null, 0);
        return parser.finish(file.toString(), nodes);
    }

    /** Parses text that stands for a file called {@code fileName} (relative Includes resolve against {@code baseDir}). */
    public static Node.Section parseText(String text, String fileName, Path baseDir, Map<String, String> defines,
            UnaryOperator<String> environment) throws ConfigException {
        ConfigParser parser = new ConfigParser(defines, environment);
        List<Node> nodes = parser.parseLines(logicalLines(text, fileName), baseDir, 0);
        return parser.finish(fileName, nodes);
    }

    private Node.Section finish(String fileName, List<Node> nodes) throws ConfigException {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new Node.Section("", List.of(), new Location(fileName, 0), nodes);
    }

    private List<Node> readFile(Path file, Location includedFrom, int depth) {
        if (reading.contains(file)) {
            problems.add(includedFrom + ": Include loop: " + file + " is already being read");
            return List.of();
        }
        if (depth > MAX_INCLUDE_DEPTH) {
            problems.add(includedFrom + ": Include nested more than " + MAX_INCLUDE_DEPTH + " deep (a loop?)");
            return List.of();
        }
        reading.push(file);
        try {
            return read(file, includedFrom, depth);
        } finally {
            reading.pop();
        }
    }

    private List<Node> read(Path file, Location includedFrom, int depth) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            problems.add(file + ": not valid UTF-8");
            return List.of();
        } catch (IOException e) {
            String where = includedFrom == null ? file.toString() : includedFrom.toString();
            problems.add(where + ": cannot read " + file + ": " + describe(e));
            return List.of();
        }
        return parseLines(logicalLines(text, file.toString()), file.getParent(), depth);
    }

    private static String describe(IOException e) {
        return switch (e) {
            case java.nio.file.NoSuchFileException n -> "No such file or directory";
            case java.nio.file.AccessDeniedException a -> "Permission denied";
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }

    /** One line as the parser sees it: continuation lines joined, comments and blank lines dropped. */
    record Line(Location location, String text) {
    }

    static List<Line> logicalLines(String text, String fileName) {
        List<Line> lines = new ArrayList<>();
        String[] physical = text.split("\r?\n", -1);
        StringBuilder pending = null;
        int startLine = 0;
        for (int i = 0; i < physical.length; i++) {
            String raw = physical[i];
            String trimmed = raw.strip();
            if (pending == null) {
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                pending = new StringBuilder();
                startLine = i + 1;
            }
            if (trimmed.endsWith("\\")) {
                pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            pending.append(trimmed);
            lines.add(new Line(new Location(fileName, startLine), pending.toString().strip()));
            pending = null;
        }
        if (pending != null && !pending.toString().isBlank()) {
            lines.add(new Line(new Location(fileName, startLine), pending.toString().strip()));
        }
        return lines;
    }

    /** A section that is open while lines are read. */
    private static final class Frame {
        final String name;
        final List<String> args;
        final Location location;
        final boolean active;
        final boolean conditional;
        final List<Node> children = new ArrayList<>();

        Frame(String name, List<String> args, Location location, boolean active, boolean conditional) {
            this.name = name;
            this.args = args;
            this.location = location;
            this.active = active;
            this.conditional = conditional;
        }
    }

    private List<Node> parseLines(List<Line> lines, Path baseDir, int depth) {
        Deque<Frame> stack = new ArrayDeque<>();
        Frame top = new Frame("", List.of(), null, true, false);
        stack.push(top);
        for (Line line : lines) {
            Frame current = stack.peek();
            String text = line.text();
            Location at = line.location();
            if (text.startsWith("</")) {
                if (!text.endsWith(">")) {
                    problems.add(at + ": malformed closing tag '" + text + "'");
                    continue;
                }
                String name = text.substring(2, text.length() - 1).strip();
                if (current == top) {
                    problems.add(at + ": </" + name + "> without a matching <" + name + ">");
                    continue;
                }
                if (!current.name.equalsIgnoreCase(name)) {
                    problems.add(at + ": </" + name + "> closes <" + current.name + "> opened at " + current.location);
                    continue;
                }
                stack.pop();
                Frame parent = stack.peek();
                if (current.conditional) {
                    if (current.active && parent.active) {
                        parent.children.addAll(current.children);
                    }
                } else if (parent.active) {
                    parent.children.add(new Node.Section(current.name, current.args, current.location,
                            current.children));
                }
                continue;
            }
            if (text.startsWith("<")) {
                if (!text.endsWith(">")) {
                    problems.add(at + ": section tag '" + text + "' is missing its closing '>'");
                    continue;
                }
                List<String> words = current.active
                        ? expand(text.substring(1, text.length() - 1), at)
                        : rawWords(text.substring(1, text.length() - 1));
                if (words.isEmpty()) {
                    problems.add(at + ": empty section tag");
                    continue;
                }
                String name = words.get(0);
                List<String> args = words.subList(1, words.size());
                if (name.equalsIgnoreCase("IfDefine")) {
                    boolean holds = current.active && ifDefineHolds(args, at);
                    stack.push(new Frame("IfDefine", args, at, holds, true));
                } else {
                    stack.push(new Frame(name, args, at, current.active, false));
                }
                continue;
            }
            if (!current.active) {
                continue;
            }
            List<String> words = expand(text, at);
            if (words.isEmpty()) {
                continue;
            }
            String name = words.get(0);
            List<String> args = words.subList(1, words.size());
            if (name.equalsIgnoreCase("Define")) {
                if (args.isEmpty() || args.size() > 2) {
                    problems.add(at + ": Define takes a name and an optional value");
                } else {
                    defines.put(args.get(0), args.size() == 2 ? args.get(1) : "");
                }
            } else if (name.equalsIgnoreCase("Include") && !includesAllowed) {
                problems.add(at + ": Include is not allowed here");
            } else if (name.equalsIgnoreCase("Include")) {
                if (args.size() != 1) {
                    problems.add(at + ": Include takes one path");
                } else {
                    boolean conditional = stack.stream().anyMatch(f -> f.name.equalsIgnoreCase("IfModule"));
                    List<Path> files = expandInclude(args.get(0), baseDir, at, conditional);
                    if (files == null) {
                        // inside <IfModule>: only an error if that section turns out to be in effect
                        current.children.add(new Node.Directive("Include", args, at));
                    } else {
                        for (Path included : files) {
                            current.children.addAll(readFile(included, at, depth + 1));
                        }
                    }
                }
            } else {
                current.children.add(new Node.Directive(name, args, at));
            }
        }
        while (stack.size() > 1) {
            Frame open = stack.pop();
            problems.add(open.location + ": <" + open.name + "> is never closed");
        }
        return top.children;
    }

    private boolean ifDefineHolds(List<String> args, Location at) {
        if (args.size() != 1) {
            problems.add(at + ": <IfDefine> takes one name");
            return false;
        }
        String name = args.get(0);
        boolean negated = name.startsWith("!");
        if (negated) {
            name = name.substring(1);
        }
        return defines.containsKey(name) != negated;
    }

    /**
     * Splits a line into words after replacing {@code ${DEFINE}}, then replaces {@code %{env:VAR}}
     * inside each word, as ProFTPD does: a value from the environment is always part of one
     * argument and can neither split it nor open a quote.
     */
    private List<String> expand(String text, Location at) {
        List<String> words = words(substituteDefines(text), at);
        List<String> out = new ArrayList<>(words.size());
        for (String word : words) {
            out.add(substituteEnvironment(word, at));
        }
        return out;
    }

    /** Replaces {@code ${DEFINE}}; an undefined name stays as written. */
    private String substituteDefines(String text) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int end = text.indexOf('}', i);
                String name = end < 0 ? null : text.substring(i + 2, end);
                if (name != null && defines.containsKey(name)) {
                    out.append(defines.get(name));
                    i = end + 1;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** Replaces {@code %{env:VAR}} in one word; an unset variable is empty. */
    private String substituteEnvironment(String word, Location at) {
        if (!word.contains("%{env:")) {
            return word;
        }
        StringBuilder out = new StringBuilder(word.length());
        int i = 0;
        while (i < word.length()) {
            if (word.startsWith("%{env:", i)) {
                int end = word.indexOf('}', i);
                if (end < 0) {
                    problems.add(at + ": unterminated %{env:...}");
                    return word;
                }
                String value = environment.apply(word.substring(i + 6, end));
                out.append(value == null ? "" : value);
                i = end + 1;
            } else {
                out.append(word.charAt(i));
                i++;
            }
        }
        return out.toString();
    }

    /** Splits on white space; double quotes group, and {@code \"} inside quotes is a literal quote. */
    List<String> words(String text, Location at) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            StringBuilder word = new StringBuilder();
            boolean quoted = false;
            while (i < n) {
                char c = text.charAt(i);
                if (!quoted && Character.isWhitespace(c)) {
                    break;
                }
                if (c == '"') {
                    quoted = !quoted;
                    i++;
                } else if (quoted && c == '\\' && i + 1 < n && text.charAt(i + 1) == '"') {
                    word.append('"');
                    i += 2;
                } else {
                    word.append(c);
                    i++;
                }
            }
            if (quoted) {
                problems.add(at + ": unterminated quote");
                return words;
            }
            words.add(word.toString());
        }
        return words;
    }

    private static List<String> rawWords(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? List.of() : List.of(stripped.split("\\s+"));
    }

    /** The files an Include names; null when one is missing and {@code deferMissing} (inside {@code <IfModule>}). */
    private List<Path> expandInclude(String pattern, Path baseDir, Location at, boolean deferMissing) {
        Path path = Path.of(pattern);
        if (!path.isAbsolute()) {
            path = (baseDir == null ? Path.of("").toAbsolutePath() : baseDir).resolve(path);
        }
        path = path.normalize();
        List<Path> candidates = new ArrayList<>();
        candidates.add(path.getRoot());
        boolean wildcard = false;
        for (Path part : path) {
            String name = part.toString();
            List<Path> next = new ArrayList<>();
            if (isGlob(name)) {
                wildcard = true;
                var matcher = path.getFileSystem().getPathMatcher("glob:" + name);
                for (Path dir : candidates) {
                    next.addAll(list(dir, p -> matcher.matches(p.getFileName())));
                }
            } else {
                for (Path dir : candidates) {
                    next.add(dir.resolve(name));
                }
            }
            candidates = next;
        }
        List<Path> files = new ArrayList<>();
        for (Path candidate : candidates) {
            if (Files.isDirectory(candidate)) {
                files.addAll(list(candidate, Files::isRegularFile));
            } else if (Files.isRegularFile(candidate)) {
                files.add(candidate);
            } else if (!wildcard) {
                if (deferMissing) {
                    return null;
                }
                problems.add(at + ": Include " + pattern + ": No such file or directory");
            }
        }
        files.removeIf(f -> ignoredIncludeName(f.getFileName().toString()));
        return files;
    }

    private static boolean isGlob(String name) {
        return name.indexOf('*') >= 0 || name.indexOf('?') >= 0 || name.indexOf('[') >= 0;
    }

    private static boolean ignoredIncludeName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith(".") || lower.endsWith("~") || lower.endsWith(".swp") || lower.endsWith(".bak")
                || lower.endsWith(".dpkg-old") || lower.endsWith(".dpkg-new") || lower.endsWith(".dpkg-dist");
    }

    private static List<Path> list(Path dir, java.util.function.Predicate<Path> accept) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (accept.test(entry)) {
                    found.add(entry);
                }
            }
        } catch (IOException e) {
            return found;
        }
        found.sort(null);
        return found;
    }
}

package org.modftpd.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a {@code .bndrun} file the launcher needs: {@code -runproperties} and
 * {@code -runbundles} with their {@code startlevel} attributes (bnd syntax: {@code key: value},
 * backslash continuation, comma-separated clauses, {@code ;attr=value}).
 */
public final class RunFile {

    /** A bundle to run: its symbolic name and start level. */
    public record RunBundle(String symbolicName, int startLevel) {
    }

    private final Map<String, String> properties;
    private final List<RunBundle> bundles;

    private RunFile(Map<String, String> properties, List<RunBundle> bundles) {
        this.properties = properties;
        this.bundles = bundles;
    }

    public Map<String, String> properties() {
        return properties;
    }

    public List<RunBundle> bundles() {
        return bundles;
    }

    public static RunFile read(Path file, Map<String, String> macros) throws IOException {
        Map<String, String> instructions = instructions(Files.readAllLines(file, StandardCharsets.UTF_8));
        Map<String, String> props = new LinkedHashMap<>();
        for (String clause : clauses(instructions.getOrDefault("-runproperties", ""))) {
            int eq = clause.indexOf('=');
            if (eq > 0) {
                props.put(clause.substring(0, eq).strip(), expand(unescape(clause.substring(eq + 1).strip()), macros));
            }
        }
        List<RunBundle> bundles = new ArrayList<>();
        for (String clause : clauses(instructions.getOrDefault("-runbundles", ""))) {
            String[] parts = clause.split(";");
            int level = 1;
            for (int i = 1; i < parts.length; i++) {
                String attr = parts[i].strip();
                if (attr.startsWith("startlevel=")) {
                    level = Integer.parseInt(attr.substring("startlevel=".length()).strip());
                }
            }
            bundles.add(new RunBundle(parts[0].strip(), level));
        }
        return new RunFile(props, bundles);
    }

    private static Map<String, String> instructions(List<String> lines) {
        Map<String, String> result = new LinkedHashMap<>();
        StringBuilder current = null;
        String key = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (current == null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int sep = indexOfSeparator(line);
                if (sep < 0) {
                    continue;
                }
                key = line.substring(0, sep).strip();
                current = new StringBuilder();
                line = line.substring(sep + 1).strip();
            }
            if (line.endsWith("\\") && !line.endsWith("\\\\\\")) {
                current.append(line, 0, line.length() - 1);
                continue;
            }
            current.append(line);
            result.put(key, current.toString());
            current = null;
        }
        if (current != null) {
            result.put(key, current.toString());
        }
        return result;
    }

    private static int indexOfSeparator(String line) {
        int colon = line.indexOf(':');
        int eq = line.indexOf('=');
        if (colon < 0) {
            return eq;
        }
        return eq < 0 ? colon : Math.min(colon, eq);
    }

    private static List<String> clauses(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\'' || c == '"') {
                quoted = !quoted;
            }
            if (c == '\\' && i + 1 < value.length() && value.charAt(i + 1) == ',') {
                b.append(',');
                i++;
                continue;
            }
            if (c == ',' && !quoted) {
                if (!b.toString().isBlank()) {
                    out.add(b.toString().strip());
                }
                b.setLength(0);
            } else {
                b.append(c);
            }
        }
        if (!b.toString().isBlank()) {
            out.add(b.toString().strip());
        }
        return out;
    }

    /** {@code \\.} in a property value stands for {@code \.} (bnd escapes backslashes). */
    private static String unescape(String v) {
        return v.replace("\\\\", "\\");
    }

    private static String expand(String v, Map<String, String> macros) {
        String out = v;
        for (Map.Entry<String, String> m : macros.entrySet()) {
            out = out.replace("${" + m.getKey() + "}", m.getValue());
        }
        return out;
    }
}

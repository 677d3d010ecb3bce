package org.modftpd.mod_sql;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code SQLLogFile}: mod_sql's own log of queries and decisions, one file shared by the sessions
 * that name it, in ProFTPD's format ({@code 2026-11-21 10:00:00,123 mod_sql/4.5[session]: text}).
 * As in ProFTPD, a file in a world-writable directory or a symbolic link is refused.
 */
final class SqlLogFiles {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    /** An open file, or the reason it cannot be used. */
    private record Target(Writer writer, String problem) {
    }

    private final Map<String, Target> files = new ConcurrentHashMap<>();

    /** Writes one line; returns a problem to report (once per file), or null. */
    String log(String path, String session, String message) {
        if (path == null || path.equalsIgnoreCase("none")) {
            return null;
        }
        boolean[] fresh = new boolean[1];
        Target t = files.computeIfAbsent(path, p -> {
            fresh[0] = true;
            return open(Path.of(p));
        });
        if (t.writer() == null) {
            return fresh[0] ? t.problem() : null;
        }
        String line = STAMP.format(LocalDateTime.now()) + " " + SqlModule.VERSION + "[" + session + "]: "
                + message.replace('\n', ' ').replace('\r', ' ') + "\n";
        synchronized (t.writer()) {
            try {
                t.writer().write(line);
                t.writer().flush();
            } catch (IOException e) {
                return "unable to write SQLLogFile " + path + ": " + e.getMessage();
            }
        }
        return null;
    }

    private static Target open(Path path) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            if (dir != null && Files.exists(dir)
                    && Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_WRITE)) {
                return new Target(null, "unable to open SQLLogFile " + path + ": parent directory is world-writable");
            }
            if (Files.isSymbolicLink(path)) {
                return new Target(null, "unable to open SQLLogFile " + path + ": cannot log to a symbolic link");
            }
            Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            return new Target(w, null);
        } catch (IOException | UnsupportedOperationException e) {
            return new Target(null, "unable to open SQLLogFile " + path + ": " + e.getMessage());
        }
    }

    void closeAll() {
        for (Map.Entry<String, Target> e : files.entrySet()) {
            files.remove(e.getKey());
            Writer w = e.getValue().writer();
            if (w != null) {
                synchronized (w) {
                    try {
                        w.close();
                    } catch (IOException ignored) {
                        // closing on the way out
                    }
                }
            }
        }
    }
}

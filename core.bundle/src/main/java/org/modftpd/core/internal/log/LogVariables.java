package org.modftpd.core.internal.log;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.modftpd.api.Identity;
import org.modftpd.api.Transfer;
import org.modftpd.core.internal.dispatch.CommandImpl;
import org.modftpd.core.internal.protocol.Addresses;
import org.modftpd.core.internal.session.SessionImpl;

/**
 * ProFTPD's LogFormat variables (mod_log) and mod_sql's additions ({@code %{note:...}},
 * {@code %{env:...}}, {@code %{time:...}}), for one session and, optionally, one command.
 */
public final class LogVariables {

    private static final Set<String> DIRECTORY_COMMANDS = Set.of("CDUP", "CWD", "LIST", "MLSD", "MKD", "NLST", "RMD",
            "XCWD", "XCUP", "XMKD", "XRMD");
    private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("'['dd/MMM/yyyy:HH:mm:ss Z']'",
            Locale.ENGLISH);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    /** Where mod_xfer and mod_core leave the real path of the file a command acted on. */
    public static final String NOTE_PATH = "mod_xfer.path";
    public static final String NOTE_RENAME_FROM = "mod_core.rnfr-path";

    private LogVariables() {
    }

    /** The value of a token ({@code %u}, {@code %{note:x}}, ...); empty when the token is unknown. */
    public static Optional<String> value(String token, SessionImpl s, CommandImpl c) {
        if (token.length() < 2 || token.charAt(0) != '%') {
            return Optional.empty();
        }
        if (token.charAt(1) == '{') {
            return braced(token, s, c);
        }
        if (token.length() != 2) {
            return Optional.empty();
        }
        Optional<Identity> id = s.identity();
        Transfer t = c == null ? null : c.transfer().orElse(null);
        String v = switch (token.charAt(1)) {
            case 'a' -> Addresses.text(s.remoteAddress().getAddress());
            case 'A' -> id.isPresent() && id.get().anonymous()
                    ? String.valueOf(s.notes().getOrDefault("mod_auth.anon-passwd", "UNKNOWN")) : "UNKNOWN";
            case 'b' -> t == null ? "-" : Long.toString(t.bytes());
            case 'c' -> s.connectionClass().orElse("-");
            case 'd' -> directory(s, c, false);
            case 'D' -> directory(s, c, true);
            case 'E' -> s.endReason();
            case 'f' -> filePath(c);
            case 'F' -> t != null ? t.clientPath() : c == null || c.argument().isEmpty() ? "-"
                    : s.files().absolute(c.argument());
            case 'g' -> id.map(Identity::primaryGroupName).orElse("-");
            case 'h' -> s.remoteHostName() != null ? s.remoteHostName() : Addresses.text(s.remoteAddress().getAddress());
            case 'H', 'L' -> Addresses.text(s.localAddress().getAddress());
            case 'I' -> Long.toString(s.bytesIn());
            case 'J' -> c == null ? "-" : c.verb().equals("PASS") ? "(hidden)" : c.argument();
            case 'l' -> "UNKNOWN";
            case 'm' -> c == null ? "-" : c.verb();
            case 'O' -> Long.toString(s.bytesOut());
            case 'p' -> Integer.toString(s.localAddress().getPort());
            case 'P' -> Long.toString(ProcessHandle.current().pid());
            case 'r' -> c == null ? "-" : c.toString();
            case 'R' -> c == null ? "-" : Long.toString(c.elapsedMillis());
            case 's' -> c == null || c.responseCode() == 0 ? "-" : Integer.toString(c.responseCode());
            case 'S' -> c == null || c.responseText() == null ? "-" : c.responseText();
            case 't' -> CLF.format(ZonedDateTime.now());
            case 'T' -> t == null ? "-" : String.format(Locale.ROOT, "%.3f", t.elapsed().toNanos() / 1e9);
            case 'u' -> id.map(Identity::name).orElse("-");
            case 'U' -> String.valueOf(s.notes().getOrDefault("mod_auth.orig-user", "-"));
            case 'v' -> s.server().name();
            case 'V' -> Addresses.text(s.localAddress().getAddress());
            case 'w' -> c == null ? "-" : String.valueOf(c.notes().getOrDefault(NOTE_RENAME_FROM, "-"));
            default -> null;
        };
        return Optional.ofNullable(v);
    }

    private static Optional<String> braced(String token, SessionImpl s, CommandImpl c) {
        int close = token.indexOf('}');
        if (close < 0) {
            return Optional.empty();
        }
        String inner = token.substring(2, close);
        String suffix = token.substring(close + 1);
        if (suffix.equals("e")) {
            return Optional.of(env(inner));
        }
        if (suffix.equals("t")) {
            return Optional.of(Strftime.format(inner, ZonedDateTime.now()));
        }
        if (!suffix.isEmpty()) {
            return Optional.empty();
        }
        if (inner.startsWith("note:")) {
            String key = inner.substring(5);
            Object v = c != null && c.notes().containsKey(key) ? c.notes().get(key) : s.notes().get(key);
            return Optional.of(v == null ? "-" : v.toString());
        }
        if (inner.startsWith("env:")) {
            return Optional.of(env(inner.substring(4)));
        }
        if (inner.startsWith("time:")) {
            return Optional.of(Strftime.format(inner.substring(5), ZonedDateTime.now()));
        }
        Optional<Identity> id = s.identity();
        Transfer t = c == null ? null : c.transfer().orElse(null);
        String v = switch (inner) {
            case "basename" -> {
                String f = filePath(c);
                yield f.equals("-") ? directory(s, c, false) : Path.of(f).getFileName().toString();
            }
            case "epoch" -> Long.toString(Instant.now().getEpochSecond());
            case "file-modified" -> c == null ? "-" : String.valueOf(c.notes().getOrDefault("mod_xfer.file-modified", "-"));
            case "file-size" -> {
                String f = filePath(c);
                try {
                    yield f.equals("-") ? "-" : Long.toString(java.nio.file.Files.size(Path.of(f)));
                } catch (java.io.IOException e) {
                    yield "-";
                }
            }
            case "gid" -> id.map(i -> Long.toString(i.user().gid())).orElse("-");
            case "iso8601" -> ISO.format(java.time.LocalDateTime.now());
            case "microsecs" -> String.format(Locale.ROOT, "%06d", (System.currentTimeMillis() % 1000) * 1000
                    + (System.nanoTime() / 1000) % 1000);
            case "millisecs" -> String.format(Locale.ROOT, "%03d", System.currentTimeMillis() % 1000);
            case "protocol" -> "ftp";
            case "remote-port" -> Integer.toString(s.remoteAddress().getPort());
            case "transfer-failure" -> t == null || t.completed() ? "-" : "Transfer aborted";
            case "transfer-millisecs" -> t == null ? "-" : Long.toString(t.elapsed().toMillis());
            case "transfer-port" -> "-";
            case "transfer-status" -> t == null ? "-" : t.completed() ? "success"
                    : c.responseCode() == 426 ? "cancelled" : "failed";
            case "transfer-type" -> t == null ? "-" : t.ascii() ? "ASCII" : "binary";
            case "uid" -> id.map(i -> Long.toString(i.user().uid())).orElse("-");
            case "version" -> s.runtime().version();
            default -> null;
        };
        return Optional.ofNullable(v);
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "-" : v;
    }

    private static String filePath(CommandImpl c) {
        if (c == null) {
            return "-";
        }
        if (c.transfer().isPresent()) {
            return c.transfer().get().path().toAbsolutePath().toString();
        }
        Object p = c.notes().get(NOTE_PATH);
        return p == null ? "-" : p.toString();
    }

    private static String directory(SessionImpl s, CommandImpl c, boolean full) {
        if (c == null || !DIRECTORY_COMMANDS.contains(c.verb())) {
            return "-";
        }
        String arg = c.verb().equals("CDUP") || c.verb().equals("XCUP") ? ".." : c.argument().isEmpty() ? "."
                : c.argument();
        try {
            Path real = s.files().resolve(arg);
            if (full) {
                return real.toString();
            }
            return real.getFileName() == null ? "/" : real.getFileName().toString();
        } catch (java.nio.file.NoSuchFileException e) {
            return "-";
        }
    }

}

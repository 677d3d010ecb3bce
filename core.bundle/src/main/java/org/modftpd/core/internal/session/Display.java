package org.modftpd.core.internal.session;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.modftpd.core.internal.log.Strftime;
import org.modftpd.core.internal.modules.CoreDirectives;
import org.modftpd.core.internal.protocol.Addresses;

/** Display files (DisplayConnect, DisplayLogin, DisplayQuit) and their {@code %} cookies. */
public final class Display {

    private static final int MAX_LINE = 1024;
    private static final int MAX_LINES = 1000;
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss yyyy",
            Locale.ROOT);

    private Display() {
    }

    /**
     * The lines of a display file with cookies replaced; an absent or unreadable file gives no lines.
     * A relative path is looked up in the session's jail (after login).
     */
    public static List<String> read(Path file, SessionImpl s) {
        Path real = file;
        if (!file.isAbsolute()) {
            try {
                real = s.files().resolve(file.toString());
            } catch (IOException e) {
                return List.of();
            }
        }
        List<String> lines = new ArrayList<>();
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(real),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE)))) {
            String line;
            while ((line = reader.readLine()) != null && lines.size() < MAX_LINES) {
                if (line.length() > MAX_LINE) {
                    line = line.substring(0, MAX_LINE);
                }
                lines.add(expand(line, s, real));
            }
        } catch (IOException e) {
            s.log().debug("unable to display " + real + ": " + e.getMessage());
            return List.of();
        }
        return lines;
    }

    /** Replaces the display-file cookies of ProFTPD ({@code %C %E %F %L %R %T %U %V ...}). */
    public static String expand(String text, SessionImpl s, Path displayFile) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 32);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char f = text.charAt(++i);
            if (f == '{') {
                int end = text.indexOf('}', i);
                if (end < 0) {
                    out.append("%{");
                    continue;
                }
                out.append(variable(text.substring(i + 1, end), s));
                i = end;
                continue;
            }
            switch (f) {
                case 'C' -> out.append(s.identity().isPresent() ? s.files().cwd() : "(none)");
                case 'E' -> out.append(serverAdmin(s));
                case 'F' -> out.append(freeKb(displayFile));
                case 'f' -> out.append(withUnit(freeKb(displayFile) * 1024));
                case 'i' -> out.append(s.filesIn());
                case 'o' -> out.append(s.filesOut());
                case 't' -> out.append(s.filesIn() + s.filesOut());
                case 'K' -> out.append(s.bytesTransferred() >> 10);
                case 'k' -> out.append(withUnit(s.bytesTransferred()));
                case 'L' -> out.append(s.advertisedAddress());
                case 'M' -> out.append(0);
                case 'N' -> out.append(s.runtime().sessions().size());
                case 'R' -> out.append(Addresses.text(s.remoteAddress().getAddress()));
                case 'T' -> out.append(CTIME.format(ZonedDateTime.now()));
                case 'U' -> out.append(s.requestedUser().orElse("(none)"));
                case 'u' -> out.append("UNKNOWN");
                case 'V' -> out.append(s.server().name());
                case 'x' -> out.append(s.connectionClass().orElse("(unknown)"));
                case 'y' -> out.append(0);
                case 'z' -> out.append(0);
                case '%' -> out.append('%');
                default -> out.append('%').append(f);
            }
        }
        return out.toString();
    }

    private static String variable(String name, SessionImpl s) {
        if (name.startsWith("env:")) {
            String v = System.getenv(name.substring(4));
            return v == null ? "(none)" : v;
        }
        if (name.startsWith("time:")) {
            return Strftime.format(name.substring(5), ZonedDateTime.now());
        }
        return switch (name) {
            case "total_bytes_xfer" -> Long.toString(s.bytesTransferred());
            case "total_files_in" -> Integer.toString(s.filesIn());
            case "total_files_out" -> Integer.toString(s.filesOut());
            case "total_files_xfer" -> Integer.toString(s.filesIn() + s.filesOut());
            default -> "(none)";
        };
    }

    /** ServerAdmin, or ProFTPD's default {@code root@<server address>}. */
    public static String serverAdmin(SessionImpl s) {
        String admin = s.value(CoreDirectives.SERVER_ADMIN);
        return admin == null || admin.isEmpty() ? "root@" + Addresses.text(s.localAddress().getAddress()) : admin;
    }

    private static long freeKb(Path file) {
        try {
            FileStore store = Files.getFileStore(file == null ? Path.of("/") : file);
            return store.getUsableSpace() >> 10;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String withUnit(long bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    /** {@code ServerIdent on "text"}: {@code %L} address, {@code %V} host, {@code %v} ServerName, {@code %{version}}. */
    public static String expandIdent(String text, SessionImpl s, String address, String version) {
        return text.replace("%{version}", version)
                .replace("%L", address)
                .replace("%V", Addresses.text(s.localAddress().getAddress()))
                .replace("%v", s.server().name());
    }
}

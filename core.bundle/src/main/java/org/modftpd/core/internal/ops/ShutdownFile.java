package org.modftpd.core.internal.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * ProFTPD's shutdown message file as ftpshut writes it (default {@code /etc/shutmsg}): line 1 is
 * {@code YYYY M D H M S DDMM XXMM} (the shutdown time, then how long before it new connections are
 * refused and sessions are disconnected, as hours and minutes), line 2 the message with its
 * {@code %} cookies.
 */
public record ShutdownFile(Instant shutdown, Instant deny, Instant disconnect, String message) {

    static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);

    /** Reads the file; empty when it does not exist or cannot be understood. */
    public static Optional<ShutdownFile> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        String[] w = lines.get(0).strip().split("\\s+");
        if (w.length < 6) {
            return Optional.empty();
        }
        try {
            LocalDateTime t = LocalDateTime.of(Integer.parseInt(w[0]), Integer.parseInt(w[1]), Integer.parseInt(w[2]),
                    Integer.parseInt(w[3]), Integer.parseInt(w[4]), Integer.parseInt(w[5]));
            Instant shut = t.atZone(ZoneId.systemDefault()).toInstant();
            Instant deny = w.length > 6 ? before(shut, w[6]) : shut;
            Instant disc = w.length > 7 ? before(shut, w[7]) : shut;
            String msg = lines.size() > 1 ? lines.get(1) : "";
            return Optional.of(new ShutdownFile(shut, deny, disc, msg));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Instant before(Instant shut, String hhmm) {
        if (hhmm.length() != 4) {
            return shut;
        }
        int hours = Integer.parseInt(hhmm.substring(0, 2));
        int minutes = Integer.parseInt(hhmm.substring(2));
        return shut.minusSeconds(hours * 3600L + minutes * 60L);
    }

    /** Whether new connections are refused now. */
    public boolean denying(Instant now) {
        return !now.isBefore(deny);
    }

    /** Whether sessions are to be disconnected now. */
    public boolean disconnecting(Instant now) {
        return !now.isBefore(disconnect);
    }

    /**
     * The message with ftpshut's cookies: {@code %s} shutdown time, {@code %r} deny time, {@code %d}
     * disconnect time, {@code %C} cwd, {@code %L} server address, {@code %R} client, {@code %T} now,
     * {@code %U} user, {@code %V} ServerName.
     */
    public String expand(String cwd, String serverAddress, String client, String user, String serverName) {
        ZoneId zone = ZoneId.systemDefault();
        StringBuilder out = new StringBuilder(message.length() + 64);
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            String value = c == '%' && i + 1 < message.length() ? switch (message.charAt(i + 1)) {
                case 's' -> CTIME.format(shutdown.atZone(zone));
                case 'r' -> CTIME.format(deny.atZone(zone));
                case 'd' -> CTIME.format(disconnect.atZone(zone));
                case 'C' -> cwd;
                case 'L' -> serverAddress;
                case 'R' -> client;
                case 'T' -> CTIME.format(Instant.now().atZone(zone));
                case 'U' -> user;
                case 'V' -> serverName;
                default -> null;
            } : null;
            if (value == null) {
                out.append(c);
            } else {
                out.append(value); // values are not expanded again: a user named "%s" stays "%s"
                i++;
            }
        }
        return out.toString();
    }
}

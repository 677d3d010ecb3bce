package org.modftpd.core.internal.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Appends lines to log files (TransferLog, ExtendedLog), one open file per path shared by every
 * session; {@link #reopen()} closes them so log rotation works. Also formats xferlog(5) lines.
 */
public final class TransferLog {

    /** One completed or aborted transfer. */
    public record Entry(ZonedDateTime when, long seconds, String remoteHost, long bytes, String fileName,
            boolean ascii, char direction, char accessMode, String userName, boolean complete) {
    }

    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss yyyy",
            Locale.ROOT);

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Path, OutputStream> open = new HashMap<>();

    /** Formats an entry as xferlog(5) does: spaces in names become underscores. */
    public static String format(Entry e) {
        return CTIME.format(e.when()) + " " + e.seconds() + " " + e.remoteHost() + " " + e.bytes() + " "
                + fileName(e.fileName()) + " "
                + (e.ascii() ? 'a' : 'b') + " _ " + e.direction() + " " + e.accessMode() + " "
                + e.userName().replace(' ', '_') + " ftp 0 * " + (e.complete() ? 'c' : 'i');
    }

    /** Every whitespace or control character becomes {@code _}, so a name is one field, as in ProFTPD. */
    private static String fileName(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            b.append(c <= ' ' || c == 0x7F ? '_' : c);
        }
        return b.toString();
    }

    public void write(Path file, Entry entry) throws IOException {
        write(file, format(entry));
    }

    /** Appends one line (a newline is added). */
    public void write(Path file, String text) throws IOException {
        byte[] line = (text + "\n").getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            OutputStream out = open.get(file);
            if (out == null) {
                Path parent = file.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                        StandardOpenOption.WRITE);
                open.put(file, out);
            }
            out.write(line);
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    /** Closes every file; the next line reopens it (after a reload, so log rotation works). */
    public void reopen() {
        lock.lock();
        try {
            for (OutputStream out : open.values()) {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // a file that cannot be closed is reopened anyway
                }
            }
            open.clear();
        } finally {
            lock.unlock();
        }
    }
}

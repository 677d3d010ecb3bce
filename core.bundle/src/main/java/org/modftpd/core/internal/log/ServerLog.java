package org.modftpd.core.internal.log;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's log: every line goes to slf4j and, when {@code SystemLog} names a file, to that file
 * in ProFTPD's format ({@code 2026-11-21 10:00:00,123 host proftpd[pid] server (client[ip]): text}),
 * so existing log watchers such as fail2ban's proftpd filter keep matching.
 */
public final class ServerLog {

    /** ProFTPD's syslog levels, mapped onto slf4j's. */
    public enum Level { DEBUG, INFO, NOTICE, WARN, ERROR }

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    private final Logger logger = LoggerFactory.getLogger("modftpd");
    private final ReentrantLock lock = new ReentrantLock();
    private final String hostName = localHostName();
    private final long pid = ProcessHandle.current().pid();
    private volatile Path systemLogPath;
    private OutputStream systemLog;

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Opens (or reopens, for log rotation) the SystemLog file; empty closes it. */
    public void systemLog(Optional<Path> path) {
        lock.lock();
        try {
            closeFile();
            systemLogPath = path.orElse(null);
            if (systemLogPath != null) {
                try {
                    Path parent = systemLogPath.getParent();
                    if (parent != null) {
                        Files.createDirectories(parent);
                    }
                    systemLog = Files.newOutputStream(systemLogPath, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND, StandardOpenOption.WRITE);
                } catch (IOException e) {
                    logger.error("unable to open SystemLog {}: {}", systemLogPath, e.toString());
                    systemLogPath = null;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    public Optional<Path> systemLogPath() {
        return Optional.ofNullable(systemLogPath);
    }

    public void close() {
        lock.lock();
        try {
            closeFile();
            systemLogPath = null;
        } finally {
            lock.unlock();
        }
    }

    private void closeFile() {
        if (systemLog != null) {
            try {
                systemLog.close();
            } catch (IOException ignored) {
                // nothing more can be done with a log that cannot be closed
            }
            systemLog = null;
        }
    }

    /** A server-level line (no client). */
    public void log(Level level, String message) {
        write(level, null, message, null);
    }

    public void log(Level level, String message, Throwable error) {
        write(level, null, message, error);
    }

    /**
     * A session line.
     *
     * @param context the {@code server (host[ip])} part, as ProFTPD prints it
     */
    public void log(Level level, String context, String message, Throwable error) {
        write(level, context, message, error);
    }

    private void write(Level level, String context, String message, Throwable error) {
        String text = context == null ? message : context + ": " + message;
        switch (level) {
            case DEBUG -> logger.debug(text, error);
            case INFO, NOTICE -> logger.info(text, error);
            case WARN -> logger.warn(text, error);
            case ERROR -> logger.error(text, error);
        }
        if (systemLogPath == null || level == Level.DEBUG) {
            return;
        }
        String line = STAMP.format(LocalDateTime.now()) + " " + hostName + " proftpd[" + pid + "] "
                + (context == null ? hostName + ": " : context + ": ") + message + "\n";
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            if (systemLog != null) {
                systemLog.write(bytes);
                systemLog.flush();
            }
        } catch (IOException e) {
            logger.error("unable to write SystemLog {}: {}", systemLogPath, e.toString());
        } finally {
            lock.unlock();
        }
    }
}

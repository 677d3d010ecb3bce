package org.modftpd.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Locale;

/**
 * ftpshut: {@code ftpshut [-R] [-l min] [-d min] [-f file] now|+min|HHMM [message]} writes the
 * shutdown message file ProFTPD's ftpshut writes: line 1 {@code Y M D h m s DDMM XXMM} (the
 * shutdown time, then how long before it new connections are denied and sessions disconnected),
 * line 2 the message. {@code -R} removes the file. {@code -f} (ours) names another file than
 * {@code /etc/shutmsg}, for a virtual host with its own {@code ShutdownMessageFile}.
 */
public final class Shut {

    static final String DEFAULT_FILE = "/etc/shutmsg";
    static final String DEFAULT_MESSAGE = "going down at %s";

    private Shut() {
    }

    public static void main(String[] args) {
        System.exit(run(args, LocalDateTime.now(), System.out, System.err));
    }

    static int run(String[] args, LocalDateTime now, PrintStream out, PrintStream err) {
        int denyMinutes = 10;
        int disconnectMinutes = 5;
        boolean remove = false;
        Path file = Path.of(DEFAULT_FILE);
        int i = 0;
        try {
            for (; i < args.length && args[i].startsWith("-") && args[i].length() > 1; i++) {
                switch (args[i]) {
                    case "-R" -> remove = true;
                    case "-l" -> denyMinutes = minutes(args, ++i, "-l");
                    case "-d" -> disconnectMinutes = minutes(args, ++i, "-d");
                    case "-f" -> {
                        if (++i >= args.length) {
                            throw new IllegalArgumentException("-f needs a file name");
                        }
                        file = Path.of(args[i]);
                    }
                    case "-h", "--help" -> {
                        out.println(usage());
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("ftpshut: " + e.getMessage());
            err.println(usage());
            return 1;
        }
        if (remove) {
            try {
                boolean existed = Files.deleteIfExists(file);
                out.println(existed ? "ftpshut: removed " + file + "; normal service resumes"
                        : "ftpshut: " + file + " did not exist");
                return 0;
            } catch (IOException e) {
                err.println("ftpshut: unable to remove " + file + ": " + e.getMessage());
                return 1;
            }
        }
        if (i >= args.length) {
            err.println(usage());
            return 1;
        }
        LocalDateTime when;
        try {
            when = shutdownTime(args[i++], now);
        } catch (IllegalArgumentException e) {
            err.println("ftpshut: " + e.getMessage());
            err.println(usage());
            return 1;
        }
        String message = i < args.length ? String.join(" ", java.util.Arrays.copyOfRange(args, i, args.length))
                : DEFAULT_MESSAGE;
        if (message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0) {
            err.println("ftpshut: the message must be one line");
            return 1;
        }
        String text = format(when, denyMinutes, disconnectMinutes, message);
        try {
            write(file, text);
        } catch (IOException e) {
            err.println("ftpshut: unable to write " + file + ": " + e.getMessage());
            return 1;
        }
        return 0;
    }

    /** The file's two lines, byte for byte as ProFTPD's ftpshut writes them. */
    static String format(LocalDateTime when, int denyMinutes, int disconnectMinutes, String message) {
        return String.format(Locale.ROOT, "%d %d %d %d %d %d %02d%02d %02d%02d%n%s%n", when.getYear(),
                when.getMonthValue(), when.getDayOfMonth(), when.getHour(), when.getMinute(), when.getSecond(),
                denyMinutes / 60, denyMinutes % 60, disconnectMinutes / 60, disconnectMinutes % 60, message)
                .replace(System.lineSeparator(), "\n");
    }

    static LocalDateTime shutdownTime(String spec, LocalDateTime now) {
        if (spec.equalsIgnoreCase("now")) {
            return now.withNano(0);
        }
        if (spec.startsWith("+")) {
            return now.withNano(0).plusMinutes(number(spec.substring(1), spec));
        }
        String digits = spec.replace(":", "");
        if (digits.length() == 4 && digits.chars().allMatch(Character::isDigit)) {
            int hour = Integer.parseInt(digits.substring(0, 2));
            int minute = Integer.parseInt(digits.substring(2));
            if (hour > 23 || minute > 59) {
                throw new IllegalArgumentException("bad time '" + spec + "' (HHMM, 24-hour clock)");
            }
            LocalDateTime at = now.toLocalDate().atTime(LocalTime.of(hour, minute));
            return at.isBefore(now) ? at.plusDays(1) : at;
        }
        throw new IllegalArgumentException("bad time '" + spec + "': use now, +minutes or HHMM");
    }

    private static int minutes(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a number of minutes");
        }
        return (int) number(args[i], option + " " + args[i]);
    }

    private static long number(String digits, String what) {
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 6) {
            throw new IllegalArgumentException("bad number of minutes in '" + what + "'");
        }
        return Long.parseLong(digits);
    }

    private static void write(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".shutmsg", ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String usage() {
        return "usage: ftpshut [-R] [-l min] [-d min] [-f file] now|+min|HHMM [message]";
    }
}

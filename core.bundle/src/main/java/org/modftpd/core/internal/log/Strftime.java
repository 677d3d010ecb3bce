package org.modftpd.core.internal.log;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/** Formats a time with C strftime(3) conversions, as ProFTPD's {@code %{time:...}} does. */
public final class Strftime {

    private Strftime() {
    }

    public static String format(String pattern, ZonedDateTime t) {
        StringBuilder out = new StringBuilder(pattern.length() + 16);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                out.append(c);
                continue;
            }
            char f = pattern.charAt(++i);
            switch (f) {
                case 'Y' -> out.append(t.getYear());
                case 'y' -> pad(out, t.getYear() % 100, 2);
                case 'm' -> pad(out, t.getMonthValue(), 2);
                case 'd' -> pad(out, t.getDayOfMonth(), 2);
                case 'e' -> out.append(t.getDayOfMonth() < 10 ? " " : "").append(t.getDayOfMonth());
                case 'H' -> pad(out, t.getHour(), 2);
                case 'I' -> pad(out, t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2);
                case 'M' -> pad(out, t.getMinute(), 2);
                case 'S' -> pad(out, t.getSecond(), 2);
                case 'j' -> pad(out, t.getDayOfYear(), 3);
                case 'p' -> out.append(t.getHour() < 12 ? "AM" : "PM");
                case 'a' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'b', 'h' -> out.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> out.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'Z' -> out.append(t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'z' -> {
                    int secs = t.getOffset().getTotalSeconds();
                    out.append(secs < 0 ? '-' : '+');
                    secs = Math.abs(secs);
                    pad(out, secs / 3600, 2);
                    pad(out, (secs % 3600) / 60, 2);
                }
                case 's' -> out.append(t.toEpochSecond());
                case 'u' -> out.append(t.getDayOfWeek().getValue());
                case 'w' -> out.append(t.getDayOfWeek().getValue() % 7);
                case 'T' -> out.append(format("%H:%M:%S", t));
                case 'R' -> out.append(format("%H:%M", t));
                case 'D' -> out.append(format("%m/%d/%y", t));
                case 'F' -> out.append(format("%Y-%m-%d", t));
                case 'c' -> out.append(format("%a %b %e %H:%M:%S %Y", t));
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case '%' -> out.append('%');
                default -> out.append('%').append(f);
            }
        }
        return out.toString();
    }

    private static void pad(StringBuilder out, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            out.append('0');
        }
        out.append(s);
    }
}

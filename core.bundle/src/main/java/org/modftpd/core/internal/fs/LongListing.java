package org.modftpd.core.internal.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.function.Supplier;

/**
 * One {@code ls -l} line as ProFTPD's mod_ls writes it.
 *
 * <p>One instance serves one listing (one thread): it caches the last permission string, date and
 * owner/group names, which in a directory are mostly the same from one entry to the next.
 */
public final class LongListing {

    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
            "Nov", "Dec"};
    private static final long SIX_MONTHS_MILLIS = 180L * 86400 * 1000;
    private static final String SPACES = "        ";

    private final ZoneRules rules;
    /** The zone's offset in seconds when it has only one, else {@code Integer.MIN_VALUE}. */
    private final int fixedOffset;
    private final long nowMillis;
    private final boolean numericIds;
    private final Names names = new Names();
    private String fakeUser;
    private String fakeGroup;
    private int fakeMode = -1;

    // the last entry's head (see head) and date, reused while they stay the same
    private int lastMode;
    private int lastNlink;
    private int lastUid;
    private int lastGid;
    private String lastHead;
    private long lastDateSecond = Long.MIN_VALUE;
    private boolean lastDateOld;
    private String lastDate;

    public LongListing(boolean gmt, boolean numericIds) {
        this(gmt ? ZoneOffset.UTC : ZoneId.systemDefault(), Instant.now().toEpochMilli(), numericIds);
    }

    /** A listing in {@code zone} as seen at {@code nowMillis} (dates older than six months show the year). */
    LongListing(ZoneId zone, long nowMillis, boolean numericIds) {
        this.rules = zone.getRules();
        this.fixedOffset = rules.isFixedOffset() ? rules.getOffset(Instant.EPOCH).getTotalSeconds() : Integer.MIN_VALUE;
        this.nowMillis = nowMillis;
        this.numericIds = numericIds;
    }

    /** DirFakeUser, DirFakeGroup and DirFakeMode: show these instead of the real owner, group and mode. */
    public LongListing fake(String user, String group, int mode) {
        this.fakeUser = user;
        this.fakeGroup = group;
        this.fakeMode = mode;
        return this;
    }

    /**
     * Appends the line for a file (CRLF-terminated).
     *
     * @param showLink when the file is a symbolic link, show the link itself and its target
     */
    public void append(StringBuilder out, Path path, String name, FileInfo info, boolean showLink) {
        append(out, () -> path, name, info, showLink);
    }

    /** As {@link #append(StringBuilder, Path, String, FileInfo, boolean)}, the path built only when needed. */
    public void append(StringBuilder out, Supplier<Path> path, String name, FileInfo info, boolean showLink) {
        int mode = info.mode();
        if (fakeMode >= 0 && !info.isLink()) {
            int bits = info.isDirectory() ? fakeMode | ((fakeMode & 0444) >> 2) : fakeMode;
            mode = (mode & FileInfo.S_IFMT) | bits;
        }
        if (lastHead == null || mode != lastMode || info.nlink() != lastNlink || info.uid() != lastUid
                || info.gid() != lastGid) {
            lastHead = head(path, info, mode);
            lastMode = mode;
            lastNlink = info.nlink();
            lastUid = info.uid();
            lastGid = info.gid();
        }
        out.append(lastHead);
        padNumber(out, info.size(), 8);
        out.append(' ');
        appendDate(out, info.mtimeMillis());
        out.append(' ').append(name);
        if (showLink && info.isLink()) {
            try {
                out.append(" -> ").append(Files.readSymbolicLink(path.get()));
            } catch (IOException e) {
                // an unreadable link target is left off
            }
        }
        out.append("\r\n");
    }

    /** Permissions, links, owner and group, and the space before the size: mostly the same from line to line. */
    private String head(Supplier<Path> path, FileInfo info, int mode) {
        String owner = fakeUser != null ? fakeUser
                : numericIds ? Integer.toString(info.uid()) : names.user(info.uid(), path);
        String group = fakeGroup != null ? fakeGroup
                : numericIds ? Integer.toString(info.gid()) : names.group(info.gid(), path);
        StringBuilder b = new StringBuilder(40);
        b.append(FileInfo.permissionString(mode)).append(' ');
        padNumber(b, info.nlink(), 3);
        b.append(' ');
        padRight(b, owner, 8);
        b.append(' ');
        padRight(b, group, 8);
        b.append(' ');
        return b.toString();
    }

    /** {@code Mon dd  yyyy} for dates older than six months, else {@code Mon dd HH:MM}. */
    void appendDate(StringBuilder out, long mtime) {
        long second = Math.floorDiv(mtime, 1000L);
        boolean old = nowMillis - mtime > SIX_MONTHS_MILLIS;
        if (second != lastDateSecond || old != lastDateOld || lastDate == null) {
            lastDate = date(second, old);
            lastDateSecond = second;
            lastDateOld = old;
        }
        out.append(lastDate);
    }

    private String date(long second, boolean old) {
        int offset = fixedOffset != Integer.MIN_VALUE ? fixedOffset
                : rules.getOffset(Instant.ofEpochSecond(second)).getTotalSeconds();
        long local = second + offset;
        long day = Math.floorDiv(local, 86400L);
        int secondOfDay = (int) Math.floorMod(local, 86400L);
        LocalDate d = LocalDate.ofEpochDay(day);
        StringBuilder b = new StringBuilder(12);
        b.append(MONTHS[d.getMonthValue() - 1]).append(' ');
        padNumber(b, d.getDayOfMonth(), 2);
        b.append(' ');
        if (old) {
            padNumber(b, d.getYear(), 5);
        } else {
            int hour = secondOfDay / 3600;
            int minute = secondOfDay / 60 % 60;
            b.append((char) ('0' + hour / 10)).append((char) ('0' + hour % 10)).append(':')
                    .append((char) ('0' + minute / 10)).append((char) ('0' + minute % 10));
        }
        return b.toString();
    }

    /** A number right-aligned in {@code width} columns (wider numbers are written whole). */
    static void padNumber(StringBuilder out, long n, int width) {
        int len = n >= 0 ? digits(n) : Long.toString(n).length();
        for (int i = len; i < width; i++) {
            out.append(' ');
        }
        out.append(n);
    }

    /** A text left-aligned in {@code width} columns (longer texts are written whole). */
    private static void padRight(StringBuilder out, String s, int width) {
        out.append(s);
        if (s.length() < width) {
            out.append(SPACES, 0, width - s.length());
        }
    }

    /** The number of decimal digits of a non-negative number. */
    static int digits(long n) {
        int d = 1;
        for (long limit = 10; d < 19 && n >= limit; limit *= 10) {
            d++;
        }
        return d;
    }
}

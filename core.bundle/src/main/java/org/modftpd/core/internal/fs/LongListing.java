package org.modftpd.core.internal.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;

/** One {@code ls -l} line as ProFTPD's mod_ls writes it. */
public final class LongListing {

    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
            "Nov", "Dec"};
    private static final long SIX_MONTHS_MILLIS = 180L * 86400 * 1000;

    private final ZoneId zone;
    private final long nowMillis;
    private final boolean numericIds;
    private final Names names = new Names();
    private String fakeUser;
    private String fakeGroup;
    private int fakeMode = -1;

    public LongListing(boolean gmt, boolean numericIds) {
        this.zone = gmt ? ZoneOffset.UTC : ZoneId.systemDefault();
        this.nowMillis = Instant.now().toEpochMilli();
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
        String owner = fakeUser != null ? fakeUser
                : numericIds ? Integer.toString(info.uid()) : names.user(info.uid(), path);
        String group = fakeGroup != null ? fakeGroup
                : numericIds ? Integer.toString(info.gid()) : names.group(info.gid(), path);
        FileInfo shown = info;
        if (fakeMode >= 0 && !info.isLink()) {
            int bits = info.isDirectory() ? fakeMode | ((fakeMode & 0444) >> 2) : fakeMode;
            shown = new FileInfo((info.mode() & FileInfo.S_IFMT) | bits, info.nlink(), info.uid(), info.gid(),
                    info.size(), info.mtimeMillis(), info.dev(), info.ino());
        }
        out.append(shown.permissionString()).append(' ');
        pad(out, Integer.toString(info.nlink()), 3, false);
        out.append(' ');
        pad(out, owner, 8, true);
        out.append(' ');
        pad(out, group, 8, true);
        out.append(' ');
        pad(out, Long.toString(info.size()), 8, false);
        out.append(' ');
        appendDate(out, info.mtimeMillis());
        out.append(' ').append(name);
        if (showLink && info.isLink()) {
            try {
                out.append(" -> ").append(Files.readSymbolicLink(path));
            } catch (IOException e) {
                // an unreadable link target is left off
            }
        }
        out.append("\r\n");
    }

    private void appendDate(StringBuilder out, long mtime) {
        ZonedDateTime t = Instant.ofEpochMilli(mtime).atZone(zone);
        out.append(MONTHS[t.getMonthValue() - 1]).append(' ');
        pad(out, Integer.toString(t.getDayOfMonth()), 2, false);
        out.append(' ');
        if (nowMillis - mtime > SIX_MONTHS_MILLIS) {
            pad(out, Integer.toString(t.getYear()), 5, false);
        } else {
            out.append(String.format(Locale.ROOT, "%02d:%02d", t.getHour(), t.getMinute()));
        }
    }

    private static void pad(StringBuilder out, String s, int width, boolean left) {
        if (left) {
            out.append(s);
        }
        for (int i = s.length(); i < width; i++) {
            out.append(' ');
        }
        if (!left) {
            out.append(s);
        }
    }
}

package org.modftpd.core.internal.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-written date and column formatting writes exactly what the formatter-based code wrote. */
class LongListingTest {

    private static final long DAY = 86_400_000L;
    private static final long SIX_MONTHS = 180 * DAY;
    private static final List<ZoneId> ZONES = List.of(ZoneOffset.UTC, ZoneId.of("Europe/Berlin"),
            ZoneId.of("America/New_York"), ZoneId.of("Asia/Kathmandu"), ZoneId.of("Australia/Lord_Howe"),
            ZoneId.of("Africa/Monrovia"), ZoneId.of("Pacific/Kiritimati"), ZoneId.of("America/St_Johns"),
            ZoneOffset.ofHoursMinutesSeconds(-3, -7, -13), ZoneId.systemDefault());

    @TempDir
    Path tmp;

    /** LongListing as it was before the hand-written formatting (the reference). */
    static final class Reference {
        private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                "Oct", "Nov", "Dec"};
        private final ZoneId zone;
        private final long nowMillis;
        private final boolean numericIds;
        private final Names names = new Names();
        private String fakeUser;
        private String fakeGroup;
        private int fakeMode = -1;

        Reference(ZoneId zone, long nowMillis, boolean numericIds) {
            this.zone = zone;
            this.nowMillis = nowMillis;
            this.numericIds = numericIds;
        }

        Reference fake(String user, String group, int mode) {
            fakeUser = user;
            fakeGroup = group;
            fakeMode = mode;
            return this;
        }

        void append(StringBuilder out, Path path, String name, FileInfo info, boolean showLink) {
            String owner = fakeUser != null ? fakeUser
                    : numericIds ? Integer.toString(info.uid()) : names.user(info.uid(), () -> path);
            String group = fakeGroup != null ? fakeGroup
                    : numericIds ? Integer.toString(info.gid()) : names.group(info.gid(), () -> path);
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
                    // left off
                }
            }
            out.append("\r\n");
        }

        void appendDate(StringBuilder out, long mtime) {
            ZonedDateTime t = Instant.ofEpochMilli(mtime).atZone(zone);
            out.append(MONTHS[t.getMonthValue() - 1]).append(' ');
            pad(out, Integer.toString(t.getDayOfMonth()), 2, false);
            out.append(' ');
            if (nowMillis - mtime > SIX_MONTHS) {
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

    private static long at(ZoneId zone, int y, int mo, int d, int h, int mi, int s, int ms) {
        return LocalDateTime.of(y, mo, d, h, mi, s, ms * 1_000_000).atZone(zone).toInstant().toEpochMilli();
    }

    /** Interesting modification times around {@code now}, in this zone. */
    private static List<Long> times(ZoneId zone, long now, Random random) {
        List<Long> t = new ArrayList<>();
        for (long d : new long[] {0, 1, -1, 999, -999, 1000, 60_000, DAY, -DAY, 30 * DAY}) {
            t.add(now - d);
        }
        // the six-month boundary, to the millisecond, both sides
        for (long d = -2; d <= 2; d++) {
            t.add(now - SIX_MONTHS + d);
        }
        // year boundaries, Feb 29, DST changes, months
        for (int y : new int[] {1969, 1970, 1999, 2000, 2023, 2024, 2025, 2026, 2027, 2038, 2100}) {
            t.add(at(zone, y, 1, 1, 0, 0, 0, 0));
            t.add(at(zone, y, 1, 1, 0, 0, 0, 0) - 1);
            t.add(at(zone, y, 12, 31, 23, 59, 59, 999));
            t.add(at(zone, y, 3, 1, 0, 0, 0, 0) - 1);
            for (int mo = 1; mo <= 12; mo++) {
                t.add(at(zone, y, mo, 9, 9, 5, 7, 500));
                t.add(at(zone, y, mo, 28, 23, 30, 0, 0));
            }
        }
        t.add(at(zone, 2024, 2, 29, 12, 0, 0, 0));
        t.add(at(zone, 2000, 2, 29, 0, 0, 0, 0));
        t.add(0L);
        t.add(-1L);
        t.add(-1000L);
        t.add(-1001L);
        t.add(-62_135_596_800_000L); // year 1
        t.add(-62_135_596_800_001L); // year 0
        t.add(-100_000_000_000_000L); // year -1199
        t.add(253_402_300_800_000L); // year 10000
        t.add(3_000_000_000_000_000L); // year 95000
        t.add(3_500_000_000_000_000L); // year 110000
        // a run of entries in the same second and minute (the cache), and random ones
        for (int i = 0; i < 5; i++) {
            t.add(now - 5 * DAY + i);
            t.add(now - 5 * DAY + i * 1000);
        }
        for (int i = 0; i < 3000; i++) {
            t.add(random.nextLong(-5_000_000_000_000L, 5_000_000_000_000L));
            t.add(now - random.nextLong(0, 400 * DAY));
        }
        return t;
    }

    @Test
    void datesAreWrittenAsTheFormatterWroteThem() {
        Random random = new Random(42);
        for (ZoneId zone : ZONES) {
            for (long now : new long[] {System.currentTimeMillis(), at(zone, 2025, 1, 1, 0, 0, 30, 0),
                    at(zone, 2024, 8, 27, 12, 0, 0, 0), at(zone, 2024, 3, 1, 0, 0, 0, 0)}) {
                Reference old = new Reference(zone, now, true);
                LongListing ls = new LongListing(zone, now, true);
                for (long mtime : times(zone, now, random)) {
                    StringBuilder expected = new StringBuilder();
                    old.appendDate(expected, mtime);
                    StringBuilder actual = new StringBuilder();
                    ls.appendDate(actual, mtime);
                    assertEquals(expected.toString(), actual.toString(), zone + " now=" + now + " mtime=" + mtime);
                }
            }
        }
    }

    @Test
    void linesAreWrittenAsBefore() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), Path.of("file"));
        Path dangling = Files.createSymbolicLink(tmp.resolve("dangling"), Path.of("nowhere/at all"));
        Files.setLastModifiedTime(file, FileTime.fromMillis(at(ZoneOffset.UTC, 2024, 2, 29, 23, 59, 59, 0)));
        long now = System.currentTimeMillis();
        int[] modes = {0100644, 0100755, 0104755, 0104644, 0102755, 0102644, 0101777, 0101776, 0040755, 0041777,
                0041776, 0120777, 0010644, 0140755, 0060660, 0020620, 0100000, 0107777, 0000644};
        long[] sizes = {0, 1, 9_999_999, 99_999_999, 100_000_000, 123_456_789_012L, Long.MAX_VALUE};
        int[] links = {1, 2, 99, 999, 1000, 123_456};
        String[] names = {"plain", "with space", " leading", "trailing ", "ümlaut-日本", "a -> b", "-rw", ".hidden",
                "x\ty", ""};
        Random random = new Random(7);
        for (boolean numeric : new boolean[] {true, false}) {
            for (int fake = 0; fake < 3; fake++) {
                Reference old = new Reference(ZoneId.systemDefault(), now, numeric);
                LongListing ls = new LongListing(ZoneId.systemDefault(), now, numeric);
                if (fake == 1) {
                    old.fake("ftp", "ftpgroup-long-name", 0640);
                    ls.fake("ftp", "ftpgroup-long-name", 0640);
                } else if (fake == 2) {
                    old.fake(null, "g", 0);
                    ls.fake(null, "g", 0);
                }
                StringBuilder expected = new StringBuilder();
                StringBuilder actual = new StringBuilder();
                for (Path p : List.of(file, dir, link, dangling)) {
                    for (boolean show : new boolean[] {true, false}) {
                        FileInfo real = FileInfo.read(p, false);
                        old.append(expected, p, p.getFileName().toString(), real, show);
                        ls.append(actual, p, p.getFileName().toString(), real, show);
                    }
                }
                for (int i = 0; i < 2000; i++) {
                    int mode = modes[random.nextInt(modes.length)];
                    Path p = (mode & FileInfo.S_IFMT) == FileInfo.S_IFLNK ? link : file;
                    FileInfo info = new FileInfo(mode, links[random.nextInt(links.length)],
                            random.nextInt(3) == 0 ? 0 : random.nextInt(70_000),
                            random.nextInt(3) == 0 ? 0 : random.nextInt(70_000), sizes[random.nextInt(sizes.length)],
                            now - random.nextLong(-DAY, 800 * DAY), 1, i);
                    String name = names[random.nextInt(names.length)];
                    old.append(expected, p, name, info, i % 2 == 0);
                    ls.append(actual, p, name, info, i % 2 == 0);
                }
                assertEquals(expected.toString(), actual.toString());
            }
        }
    }

    @Test
    void permissionStrings() {
        for (int type : new int[] {0, 0010000, 0020000, 0040000, 0060000, 0100000, 0120000, 0140000}) {
            for (int bits = 0; bits <= 07777; bits++) {
                int mode = type | bits;
                FileInfo info = new FileInfo(mode, 1, 0, 0, 0, 0, 0, 0);
                assertEquals(info.permissionString(), FileInfo.permissionString(mode));
            }
        }
        assertEquals("drwsr-sr-t", FileInfo.permissionString(0047755));
        assertEquals("-rwSr-Sr-T", FileInfo.permissionString(0107644));
    }

    @Test
    void numberPadding() {
        for (long n : new long[] {0, 9, 10, 99, 100, 12345678, 123456789, Long.MAX_VALUE, -1, -12, Long.MIN_VALUE}) {
            for (int width : new int[] {2, 3, 5, 8}) {
                StringBuilder b = new StringBuilder();
                LongListing.padNumber(b, n, width);
                String s = Long.toString(n);
                assertEquals(" ".repeat(Math.max(0, width - s.length())) + s, b.toString());
            }
        }
        long p = 1;
        for (int d = 1; d <= 18; d++, p *= 10) {
            assertEquals(d, LongListing.digits(p));
            assertEquals(d, LongListing.digits(p * 10 - 1));
        }
        assertEquals(19, LongListing.digits(Long.MAX_VALUE));
    }
}

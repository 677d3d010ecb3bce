package org.modftpd.core.internal.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modftpd.core.internal.fs.FileInfo;

/** MLSD/MLST fact lines are written exactly as the formatter-based code wrote them. */
class FactWriterTest {

    private static final List<String> ALL = List.of("modify", "perm", "size", "type", "unique", "UNIX.group",
            "UNIX.groupname", "UNIX.mode", "UNIX.owner", "UNIX.ownername");
    private static final DateTimeFormatter MODIFY = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
            .withZone(ZoneOffset.UTC);

    @TempDir
    Path tmp;

    /** FactsModule.facts as it was (the reference), with the session's names passed in. */
    private static String reference(String user0, String group0, Path path, String name, String type, FileInfo info,
            List<String> on) {
        StringBuilder b = new StringBuilder(160);
        String user = user0.replace(' ', '_');
        String group = group0.replace(' ', '_');
        boolean dir = info.isDirectory();
        for (String f : ALL) {
            if (!on.contains(f)) {
                continue;
            }
            switch (f) {
                case "modify" -> b.append("modify=").append(MODIFY.format(Instant.ofEpochMilli(info.mtimeMillis())))
                        .append(';');
                case "perm" -> b.append("perm=").append(perm(path, dir)).append(';');
                case "size" -> {
                    if (!dir) {
                        b.append("size=").append(info.size()).append(';');
                    }
                }
                case "type" -> b.append("type=").append(type).append(';');
                case "unique" -> b.append("unique=").append(Long.toHexString(info.dev()).toUpperCase(Locale.ROOT))
                        .append('U').append(Long.toHexString(info.ino()).toUpperCase(Locale.ROOT)).append(';');
                case "UNIX.group" -> b.append("UNIX.group=").append(info.gid()).append(';');
                case "UNIX.groupname" -> b.append("UNIX.groupname=").append(group).append(';');
                case "UNIX.mode" -> b.append("UNIX.mode=0").append(Integer.toOctalString(info.mode() & 07777))
                        .append(';');
                case "UNIX.owner" -> b.append("UNIX.owner=").append(info.uid()).append(';');
                case "UNIX.ownername" -> b.append("UNIX.ownername=").append(user).append(';');
                default -> { }
            }
        }
        return b.append(' ').append(name).toString();
    }

    private static String perm(Path p, boolean dir) {
        boolean r = Files.isReadable(p);
        boolean w = Files.isWritable(p);
        if (dir) {
            return (r ? "fl" : "") + (w ? "cdmp" : "") + (Files.isExecutable(p) ? "e" : "");
        }
        return (r ? "a" : "") + "dfr" + (w ? "w" : "");
    }

    @Test
    void modifyTimesAreWrittenAsTheFormatterWroteThem() {
        List<Long> times = new ArrayList<>(List.of(0L, -1L, -999L, -1000L, -1001L, 1L, 999L, 1000L,
                951_782_400_000L, // 2000-02-29
                1_709_164_800_000L, // 2024-02-29
                1_735_689_599_999L, 1_735_689_600_000L, // 2024/2025
                253_402_300_799_999L, 253_402_300_800_000L, // 9999/10000
                -62_135_596_800_000L, -62_135_596_800_001L, // year 1 / year 0
                -62_167_219_200_000L, -100_000_000_000_000L, 3_500_000_000_000_000L));
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            times.add(random.nextLong(-70_000_000_000_000L, 260_000_000_000_000L));
            times.add(random.nextLong(0, 4_000_000_000_000L));
        }
        FactsModule.FactWriter w = new FactsModule.FactWriter("u", "g", List.of("modify"));
        for (long t : times) {
            String expected = MODIFY.format(Instant.ofEpochMilli(t));
            assertEquals(expected, FactsModule.modifyText(t), "mtime " + t);
            assertEquals(expected, w.modify(t), "mtime " + t + " (cached)");
            assertEquals(expected, w.modify(t), "mtime " + t + " (cached, again)");
        }
    }

    @Test
    void hexAndOctal() {
        Random random = new Random(5);
        List<Long> values = new ArrayList<>(List.of(0L, 1L, 15L, 16L, 255L, -1L, Long.MIN_VALUE, Long.MAX_VALUE,
                0xABCDEFL, 0x8000_0000L));
        for (int i = 0; i < 10_000; i++) {
            values.add(random.nextLong());
            values.add(random.nextLong(0, 1L << random.nextInt(1, 63)));
        }
        for (long v : values) {
            StringBuilder b = new StringBuilder();
            FactsModule.appendHex(b, v);
            assertEquals(Long.toHexString(v).toUpperCase(Locale.ROOT), b.toString());
        }
        for (int v = 0; v <= 0177777; v++) {
            StringBuilder b = new StringBuilder();
            FactsModule.appendOctal(b, v);
            assertEquals(Integer.toOctalString(v), b.toString());
        }
    }

    @Test
    void factLinesAreWrittenAsBefore() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Path readOnly = Files.writeString(tmp.resolve("ro"), "x");
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r--------"));
        Path none = Files.writeString(tmp.resolve("none"), "x");
        Files.setPosixFilePermissions(none, PosixFilePermissions.fromString("---------"));
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), Path.of("file"));
        List<Path> paths = List.of(file, readOnly, none, dir, link, tmp.resolve("missing"));
        String[] names = {"entry-00001", "with space", "ümlaut", "a;b=c", ""};
        int[] modes = {0100644, 0104755, 0040755, 0041777, 0120777, 0100000, 0107777};
        long[] devs = {0, 0x803, 0xFD01, -1, Long.MAX_VALUE};
        Random random = new Random(11);
        List<List<String>> choices = new ArrayList<>(List.of(ALL, List.of(), List.of("modify"),
                List.of("UNIX.ownername", "type", "size")));
        for (int i = 0; i < 30; i++) {
            List<String> on = new ArrayList<>();
            for (String f : ALL) {
                if (random.nextBoolean()) {
                    on.add(f);
                }
            }
            choices.add(on);
        }
        for (List<String> on : choices) {
            for (String[] who : new String[][] {{"bench", "bench"}, {"a user", "a group"}, {"", ""}}) {
                FactsModule.FactWriter w = new FactsModule.FactWriter(who[0], who[1], on);
                for (int i = 0; i < 300; i++) {
                    Path p = paths.get(random.nextInt(paths.size()));
                    int mode = modes[random.nextInt(modes.length)];
                    long mtime = i % 3 == 0 ? 1_700_000_000_123L : random.nextLong(-100_000_000_000_000L,
                            300_000_000_000_000L);
                    // owners and groups repeat, as in a directory, and change, as across directories
                    int uid = random.nextInt(4) == 0 ? random.nextInt(70_000) : 1001;
                    int gid = random.nextInt(4) == 0 ? random.nextInt(70_000) : 100;
                    FileInfo info = new FileInfo(mode, 1, uid, gid,
                            random.nextLong(0, Long.MAX_VALUE), mtime, devs[random.nextInt(devs.length)],
                            random.nextLong());
                    String type = random.nextBoolean() ? "file" : "OS.unix=symlink";
                    String name = names[random.nextInt(names.length)];
                    StringBuilder actual = new StringBuilder();
                    w.append(actual, p, name, type, info);
                    assertEquals(reference(who[0], who[1], p, name, type, info, on), actual.toString());
                }
            }
        }
    }
}

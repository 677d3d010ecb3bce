package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.Test;
import org.osgi.framework.Bundle;
import org.modftpd.itest.support.ProtoControl;
import org.modftpd.itest.support.ProtoData;
import org.modftpd.itest.support.ProtoData.Mode;
import org.modftpd.itest.support.ProtoFiles;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.Reply;
import org.modftpd.itest.support.ServerTestSupport;

/** LIST, NLST, MLSD and MLST output as ProFTPD's mod_ls and mod_facts write it. */
public class ListingIT extends ServerTestSupport {

    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    @Override
    protected String configuration(Provision.Env env) {
        Path home = env.home("alice");
        try {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            file(home.resolve("a.txt"), "aaaa\n", "rw-r--r--", now.minus(Duration.ofDays(1)));
            file(home.resolve("old.txt"), "old\n", "rw-r--r--", now.minus(Duration.ofDays(730)));
            file(home.resolve(".hidden"), "h\n", "rw-------", now.minus(Duration.ofHours(3)));
            file(home.resolve("sub/x.txt"), "x\n", "rw-r--r--", now);
            file(home.resolve("sub/y.txt"), "yy\n", "rw-r--r--", now);
            Files.setPosixFilePermissions(home.resolve("sub"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "DefaultRoot ~\n";
    }

    private static void file(Path p, String content, String mode, Instant mtime) throws IOException {
        ProtoFiles.write(p, content.getBytes(StandardCharsets.US_ASCII));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        Files.setLastModifiedTime(p, FileTime.from(mtime));
    }

    private ProtoControl alice() throws IOException {
        ProtoControl c = ProtoControl.connect(port());
        try {
            return c.login("alice", Provision.ALICE_PASSWORD);
        } catch (IOException | AssertionError e) {
            c.close();
            throw e;
        }
    }

    private Path home() {
        return home("alice");
    }

    private static void assertReply(String expected, Reply actual) {
        assertEquals(expected, actual.code() + " " + actual.text());
    }

    /** The lines of a listing; every line must end with CRLF. */
    private static List<String> lines(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return List.of();
        }
        assertTrue("a listing ends with CRLF: " + text, text.endsWith("\r\n"));
        List<String> lines = Arrays.asList(text.substring(0, text.length() - 2).split("\r\n", -1));
        for (String l : lines) {
            assertFalse("bare LF or CR inside a line: " + l, l.indexOf('\n') >= 0 || l.indexOf('\r') >= 0);
        }
        return lines;
    }

    /** What ls -l (mod_ls, TimesGMT on) prints for a file. */
    private static String lsLine(Path p, String name) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, NOFOLLOW);
        int nlink = (Integer) Files.getAttribute(p, "unix:nlink", NOFOLLOW);
        String type = a.isDirectory() ? "d" : a.isSymbolicLink() ? "l" : "-";
        Instant mtime = a.lastModifiedTime().toInstant();
        ZonedDateTime t = mtime.atZone(ZoneOffset.UTC);
        boolean old = Duration.between(mtime, Instant.now()).toSeconds() > 180L * 86400;
        String date = MONTHS[t.getMonthValue() - 1] + " " + String.format(Locale.ROOT, "%2d", t.getDayOfMonth()) + " "
                + (old ? String.format(Locale.ROOT, "%5d", t.getYear())
                        : String.format(Locale.ROOT, "%02d:%02d", t.getHour(), t.getMinute()));
        return String.format(Locale.ROOT, "%s%s %3d %-8s %-8s %8d %s %s", type,
                PosixFilePermissions.toString(a.permissions()), nlink, a.owner().getName(), a.group().getName(),
                a.size(), date, name);
    }

    // ---------------------------------------------------------------- LIST

    @Test
    public void listLinesHaveProftpdsFormat() throws Exception {
        try (ProtoControl c = alice()) {
            ProtoData.Result r = c.download(Mode.PASV, "LIST");
            assertReply("150 Opening ASCII mode data connection for file list", r.preliminary());
            assertReply("226 Transfer complete", r.last());
            assertEquals(List.of(lsLine(home().resolve("a.txt"), "a.txt"), lsLine(home().resolve("old.txt"), "old.txt"),
                    lsLine(home().resolve("sub"), "sub")), lines(r.data()));
            // the two date forms: HH:MM within 180 days, the year (right-aligned in 5) beyond
            assertTrue(lines(r.data()).get(0), lines(r.data()).get(0).matches(".* [A-Z][a-z]{2} [ 123]\\d \\d\\d:\\d\\d a\\.txt"));
            assertTrue(lines(r.data()).get(1), lines(r.data()).get(1).matches(".* [A-Z][a-z]{2} [ 123]\\d  \\d{4} old\\.txt"));

            c.expect("TYPE I", 200);
            ProtoData.Result binary = c.download(Mode.EPSV, "LIST -l");
            assertReply("150 Opening BINARY mode data connection for file list", binary.preliminary());
            assertEquals(lines(r.data()), lines(binary.data()));
        }
    }

    @Test
    public void dotfilesOnlyWithDashA() throws Exception {
        try (ProtoControl c = alice()) {
            assertEquals(List.of(lsLine(home(), "."), lsLine(home(), ".."),
                    lsLine(home().resolve(".hidden"), ".hidden"), lsLine(home().resolve("a.txt"), "a.txt"),
                    lsLine(home().resolve("old.txt"), "old.txt"), lsLine(home().resolve("sub"), "sub")),
                    lines(c.retrieve(Mode.PASV, "LIST -a")));
            List<String> almost = lines(c.retrieve(Mode.PASV, "LIST -A"));
            assertEquals(4, almost.size());
            assertTrue(almost.get(0), almost.get(0).endsWith(" .hidden"));
            assertEquals(List.of(lsLine(home().resolve("a.txt"), "a.txt"), lsLine(home().resolve("old.txt"), "old.txt"),
                    lsLine(home().resolve("sub"), "sub")), lines(c.retrieve(Mode.PASV, "LIST")));
        }
    }

    @Test
    public void listOfAFileADirectoryAndAMissingPath() throws Exception {
        try (ProtoControl c = alice()) {
            assertEquals(List.of(lsLine(home().resolve("a.txt"), "a.txt")), lines(c.retrieve(Mode.PASV, "LIST a.txt")));
            assertEquals(List.of(lsLine(home().resolve("sub/x.txt"), "sub/x.txt")),
                    lines(c.retrieve(Mode.PASV, "LIST sub/x.txt")));
            assertEquals(List.of(lsLine(home().resolve("sub/x.txt"), "x.txt"), lsLine(home().resolve("sub/y.txt"), "y.txt")),
                    lines(c.retrieve(Mode.PASV, "LIST sub")));
            assertEquals(List.of(lsLine(home().resolve("sub/x.txt"), "x.txt"), lsLine(home().resolve("sub/y.txt"), "y.txt")),
                    lines(c.retrieve(Mode.PASV, "LIST -la /sub/")).subList(2, 4));

            ProtoData.Result missing = c.download(Mode.PASV, "LIST missing");
            assertReply("150 Opening ASCII mode data connection for file list", missing.preliminary());
            assertEquals(0, missing.data().length);
            assertReply("450 missing: No such file or directory", missing.last());
            c.expect("NOOP", 200);
        }
    }

    // ---------------------------------------------------------------- NLST

    @Test
    public void nlstNamesFilesAndPrefixesDirectories() throws Exception {
        try (ProtoControl c = alice()) {
            ProtoData.Result r = c.download(Mode.PASV, "NLST");
            assertReply("150 Opening ASCII mode data connection for file list", r.preliminary());
            assertReply("226 Transfer complete", r.last());
            assertEquals(Set.of("a.txt", "old.txt", "sub"), new TreeSet<>(lines(r.data())));
            assertEquals(3, lines(r.data()).size());
            assertEquals(Set.of(".", "..", ".hidden", "a.txt", "old.txt", "sub"),
                    new TreeSet<>(lines(c.retrieve(Mode.PASV, "NLST -a"))));
            assertEquals(Set.of("sub/x.txt", "sub/y.txt"), new TreeSet<>(lines(c.retrieve(Mode.PASV, "NLST sub"))));
            assertEquals(Set.of("sub/x.txt", "sub/y.txt"), new TreeSet<>(lines(c.retrieve(Mode.PASV, "NLST sub/"))));
            assertEquals(List.of("a.txt"), lines(c.retrieve(Mode.PASV, "NLST a.txt")));
            assertEquals(Set.of("a.txt", "old.txt"), new TreeSet<>(lines(c.retrieve(Mode.PASV, "NLST *.txt"))));

            try (ProtoData d = c.data(Mode.PASV)) {
                assertReply("450 missing: No such file or directory", d.download("NLST missing").last());
            }
            try (ProtoData d = c.data(Mode.PASV)) {
                assertReply("450 No files found", d.download("NLST *.none").last());
            }
        }
    }

    // ---------------------------------------------------------------- MLSD, MLST

    private static Map<String, String> facts(String line) {
        int space = line.indexOf(' ');
        Map<String, String> facts = new LinkedHashMap<>();
        for (String f : line.substring(0, space).split(";")) {
            int eq = f.indexOf('=');
            facts.put(f.substring(0, eq), f.substring(eq + 1));
        }
        facts.put("name", line.substring(space + 1));
        return facts;
    }

    private static String modify(Path p) throws IOException {
        return DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC)
                .format(Files.getLastModifiedTime(p).toInstant());
    }

    @Test
    public void mlsdFacts() throws Exception {
        try (ProtoControl c = alice()) {
            ProtoData.Result r = c.download(Mode.PASV, "MLSD");
            assertReply("150 Opening ASCII mode data connection for MLSD", r.preliminary());
            assertReply("226 Transfer complete", r.last());
            Map<String, Map<String, String>> byName = new LinkedHashMap<>();
            for (String l : lines(r.data())) {
                assertTrue(l, l.matches("modify=\\d{14};perm=[a-z]*;(size=\\d+;)?type=[a-z]+;unique=[0-9A-F]+U[0-9A-F]+;"
                        + "UNIX\\.group=\\d+;UNIX\\.groupname=[^;]+;UNIX\\.mode=0[0-7]{3,4};UNIX\\.owner=\\d+;"
                        + "UNIX\\.ownername=[^;]+; .+"));
                Map<String, String> f = facts(l);
                byName.put(f.get("name"), f);
            }
            assertEquals(new TreeSet<>(List.of(".", "..", ".hidden", "a.txt", "old.txt", "sub")), new TreeSet<>(byName.keySet()));
            assertEquals("cdir", byName.get(".").get("type"));
            assertEquals("pdir", byName.get("..").get("type"));
            assertEquals("dir", byName.get("sub").get("type"));
            assertNull("no size for directories", byName.get("sub").get("size"));
            assertNull(byName.get(".").get("size"));

            Map<String, String> a = byName.get("a.txt");
            Path ap = home().resolve("a.txt");
            assertEquals("file", a.get("type"));
            assertEquals("5", a.get("size"));
            assertEquals("0644", a.get("UNIX.mode"));
            assertEquals("0600", byName.get(".hidden").get("UNIX.mode"));
            assertEquals("0755", byName.get("sub").get("UNIX.mode"));
            assertEquals(modify(ap), a.get("modify"));
            assertEquals(modify(home().resolve("old.txt")), byName.get("old.txt").get("modify"));
            assertEquals(String.valueOf(Files.getAttribute(ap, "unix:uid")), a.get("UNIX.owner"));
            assertEquals(String.valueOf(Files.getAttribute(ap, "unix:gid")), a.get("UNIX.group"));
            // as in ProFTPD, the name facts are the session's user and group
            assertEquals("alice", a.get("UNIX.ownername"));
            assertEquals("users", a.get("UNIX.groupname"));
            assertEquals(Long.toHexString((Long) Files.getAttribute(ap, "unix:dev")).toUpperCase(Locale.ROOT) + "U"
                    + Long.toHexString((Long) Files.getAttribute(ap, "unix:ino")).toUpperCase(Locale.ROOT), a.get("unique"));

            List<String> sub = lines(c.retrieve(Mode.PASV, "MLSD sub"));
            assertEquals(4, sub.size());
            assertTrue(sub.stream().anyMatch(l -> l.endsWith(";UNIX.ownername=alice; x.txt") && l.contains(";size=2;type=file;")));

            try (ProtoData d = c.data(Mode.PASV)) {
                assertReply("550 'a.txt' is not a directory", d.download("MLSD a.txt").last());
            }
            try (ProtoData d = c.data(Mode.PASV)) {
                assertReply("550 missing: No such file or directory", d.download("MLSD missing").last());
            }
        }
    }

    @Test
    public void theCoreBundleReadsDirectoriesNatively() throws Exception {
        Bundle core = Arrays.stream(context.getBundles()).filter(b -> b.getSymbolicName().equals("org.modftpd.core"))
                .findFirst().orElseThrow();
        // the multi-release part of the bundle (release 22+) is what Felix loads on this JDK
        Object isNative = core.loadClass("org.modftpd.core.internal.fs.Directories").getMethod("isNative").invoke(null);
        assertEquals(Runtime.version().feature() >= 22, isNative);
    }

    @Test
    public void aLargeDirectoryIsListedWhole() throws Exception {
        Path big = home().resolve("big");
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < 2500; i++) {
            String name = String.format(Locale.ROOT, "entry-with-a-long-name-%060d", i);
            ProtoFiles.write(big.resolve(name), new byte[i % 7]);
            names.add(name);
        }
        try (ProtoControl c = alice()) {
            listWhole(c, big, names);
        } finally {
            for (String name : names) {
                Files.delete(big.resolve(name));
            }
            Files.delete(big);
        }
    }

    @Test
    public void namesBeyondAsciiSurviveAListingSentInManyChunks() throws Exception {
        // a listing goes out in 32 KiB chunks of text: names of two-, three- and four-byte UTF-8
        // characters (the last a surrogate pair in Java) put chunk edges inside characters
        Path wide = home().resolve("wide");
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < 1500; i++) {
            String name = String.format(Locale.ROOT, "%04d-caf\u00e9-\u20ac-", i) + "\uD83D\uDE00".repeat(20 + i % 7);
            ProtoFiles.write(wide.resolve(name), new byte[i % 5]);
            names.add(name);
        }
        try (ProtoControl c = alice()) {
            List<String> list = lines(c.retrieve(Mode.PASV, "LIST wide"));
            assertSameNames("LIST", names, list.stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList());
            List<String> nlst = lines(c.retrieve(Mode.PASV, "NLST wide"));
            assertSameNames("NLST", names, nlst.stream().map(l -> l.substring("wide/".length())).toList());
            List<String> mlsd = new ArrayList<>();
            for (String l : lines(c.retrieve(Mode.PASV, "MLSD wide"))) {
                Map<String, String> f = facts(l);
                if (!f.get("type").endsWith("dir")) {
                    mlsd.add(f.get("name"));
                    if (names.contains(f.get("name"))) {
                        assertEquals(l, String.valueOf(Files.size(wide.resolve(f.get("name")))), f.get("size"));
                    }
                }
            }
            assertSameNames("MLSD", names, mlsd);
        } finally {
            for (String name : names) {
                Files.delete(wide.resolve(name));
            }
            Files.delete(wide);
        }
    }

    /** The listed names are the expected ones, each once (the message shows what differs, not all 1,500). */
    private static void assertSameNames(String verb, Set<String> expected, List<String> listed) {
        Set<String> unexpected = new TreeSet<>(listed);
        unexpected.removeAll(expected);
        Set<String> missing = new TreeSet<>(expected);
        listed.forEach(missing::remove);
        assertTrue(verb + " listed " + unexpected.stream().limit(3).toList() + " instead of "
                + missing.stream().limit(3).toList(), unexpected.isEmpty() && missing.isEmpty());
        assertEquals(verb + " lines", expected.size(), listed.size());
    }

    private void listWhole(ProtoControl c, Path big, Set<String> names) throws IOException {
        List<String> list = lines(c.retrieve(Mode.PASV, "LIST big"));
        assertEquals(2500, list.size());
        assertEquals(lsLine(big.resolve(names.iterator().next()), names.iterator().next()), list.get(0));
        assertEquals(List.copyOf(names), list.stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList());
        Map<String, String> sizes = new LinkedHashMap<>();
        for (String l : lines(c.retrieve(Mode.PASV, "MLSD big"))) {
            Map<String, String> f = facts(l);
            sizes.put(f.get("name"), f.get("size"));
            if (f.get("name").startsWith("entry")) {
                assertEquals(l, "adfrw", f.get("perm"));
            }
        }
        assertEquals(2502, sizes.size());
        for (String name : names) {
            assertEquals(name, String.valueOf(Files.size(big.resolve(name))), sizes.get(name));
        }
    }

    @Test
    public void mlstOfAFileAndADirectory() throws Exception {
        try (ProtoControl c = alice()) {
            Reply r = c.command("MLST a.txt");
            assertEquals(r.raw(), 3, r.lines().size());
            assertEquals("250-Start of list for a.txt", r.lines().get(0));
            assertEquals("250 End of list", r.lines().get(2));
            String line = r.lines().get(1);
            assertTrue(line, line.startsWith(" modify=" + modify(home().resolve("a.txt")) + ";perm=adfrw;size=5;type=file;"));
            assertTrue(line, line.endsWith(";UNIX.mode=0644;UNIX.owner=" + Files.getAttribute(home().resolve("a.txt"),
                    "unix:uid") + ";UNIX.ownername=alice; /a.txt"));

            c.expect("CWD sub", 250);
            Reply x = c.command("MLST x.txt");
            assertTrue(x.raw(), x.lines().get(1).endsWith("; /sub/x.txt"));
            Reply dir = c.command("MLST");
            assertEquals("250-Start of list for /sub", dir.lines().get(0));
            assertTrue(dir.raw(), dir.lines().get(1).matches(" modify=\\d{14};perm=flcdmpe;type=dir;.*; /sub"));
            Reply up = c.command("MLST ..");
            assertEquals("250-Start of list for ..", up.lines().get(0));
            assertTrue(up.raw(), up.lines().get(1).endsWith("; /"));
            c.expect("MLST missing", 550, "'missing' cannot be listed");
        }
    }
}

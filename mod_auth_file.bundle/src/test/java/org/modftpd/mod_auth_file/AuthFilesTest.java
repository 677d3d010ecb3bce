package org.modftpd.mod_auth_file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modftpd.mod_auth_file.AuthFiles.GroupEntry;
import org.modftpd.mod_auth_file.AuthFiles.Parsed;
import org.modftpd.mod_auth_file.AuthFiles.PasswdEntry;

class AuthFilesTest {

    @TempDir
    Path tmp;

    private Path dir;
    private final List<String> problems = new ArrayList<>();

    @BeforeEach
    void privateDirectory() throws IOException {
        dir = Files.createDirectory(tmp.resolve("etc"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
    }

    private Path write(String name, String text, String perms) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        return p;
    }

    // ------------------------------------------------------------------ passwd

    @Test
    void passwdEntriesAreReadAndMalformedLinesReportedAndSkipped() throws IOException {
        Path f = write("ftpd.passwd", """
                alice:$6$x$y:1000:1001:Alice A.:/home/alice:/bin/sh
                # a comment
                \s\s
                bob:x:1001:1001::/home/bob:/bin/bash:extra
                :x:1:1::/x:/bin/sh
                carol:x:abc:1::/x:/bin/sh
                dave:x:-1:1::/x:/bin/sh
                erin:x:5:5::relative:/bin/sh
                alice:dup:1002:1002::/home/alice2:/bin/sh
                frank:x:6:7::/home/frank:
                gina:x:8:-9::/home/gina:/bin/sh
                hank:x:9:9:/home/hank:/bin/sh

                """, "rw-------");
        Parsed<PasswdEntry> parsed = AuthFiles.readPasswd(f, problems::add);
        assertEquals(List.of(
                f + ":4: malformed entry (expected 7 fields, found 8), skipped",
                f + ":5: empty user name, skipped",
                f + ":6: bad uid or gid for user carol, skipped",
                f + ":7: negative uid or gid for user dave, skipped",
                f + ":8: home of user erin is not an absolute path, skipped",
                f + ":9: duplicate user alice, the first entry counts",
                f + ":11: negative uid or gid for user gina, skipped",
                f + ":12: malformed entry (expected 7 fields, found 6), skipped"), problems);
        assertEquals(List.of(
                new PasswdEntry("alice", "$6$x$y", 1000, 1001, "Alice A.", "/home/alice", "/bin/sh"),
                new PasswdEntry("frank", "x", 6, 7, "", "/home/frank", "")), parsed.all());
        assertEquals(List.of("alice", "frank"), List.copyOf(parsed.byName().keySet()));
        assertEquals("$6$x$y", parsed.byName().get("alice").hash());
        assertEquals(AuthFiles.stamp(f), parsed.stamp());
    }

    @Test
    void emptyPasswdFileHasNoEntries() throws IOException {
        Parsed<PasswdEntry> parsed = AuthFiles.readPasswd(write("empty", "", "rw-------"), problems::add);
        assertEquals(List.of(), parsed.all());
        assertEquals(List.of(), problems);
    }

    @Test
    void missingFileIsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> AuthFiles.readPasswd(dir.resolve("nope"), problems::add));
        assertThrows(NoSuchFileException.class, () -> AuthFiles.readGroups(dir.resolve("nope"), problems::add));
    }

    @Test
    void aByteThatIsNotUtf8SpoilsOnlyItsOwnField() throws IOException {
        Path f = dir.resolve("latin1.passwd");
        byte[] alice = "alice:x:1000:100:Al\u00e9x:/home/alice:/bin/sh\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] bob = "bob:x:1001:100::/home/bob:/bin/sh\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Files.write(f, alice);
        Files.write(f, bob, java.nio.file.StandardOpenOption.APPEND);
        Parsed<PasswdEntry> parsed = AuthFiles.readPasswd(f, problems::add);
        assertEquals(List.of("alice", "bob"), List.copyOf(parsed.byName().keySet()));
        assertEquals("Al\uFFFDx", parsed.byName().get("alice").gecos());
        assertEquals(List.of(), problems);
        Path g = dir.resolve("latin1.group");
        Files.write(g, "caf\u00e9:x:5:bob\nftp:x:6:bob\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(List.of("caf\uFFFD", "ftp"),
                AuthFiles.readGroups(g, problems::add).all().stream().map(GroupEntry::name).toList());
    }

    @Test
    void lineEndingsOfEveryKindAreAccepted() throws IOException {
        Path f = write("crlf.passwd", "alice:x:1:1::/home/alice:/bin/sh\r\nbob:x:2:2::/home/bob:/bin/bash\r\n",
                "rw-------");
        Parsed<PasswdEntry> parsed = AuthFiles.readPasswd(f, problems::add);
        assertEquals("/bin/sh", parsed.byName().get("alice").shell());
        assertEquals("/bin/bash", parsed.byName().get("bob").shell());
    }

    // ------------------------------------------------------------------ group

    @Test
    void groupEntriesAreReadAndMalformedLinesReportedAndSkipped() throws IOException {
        Path f = write("ftpd.group", """
                staff:x:100:alice,bob
                ftp:x:101:
                bad:x:1x:
                short:x:1
                staff:x:200:carol
                spaces:x:102: alice , bob ,,
                # comment
                long:x:103:a:b
                """, "rw-r--r--");
        Parsed<GroupEntry> parsed = AuthFiles.readGroups(f, problems::add);
        assertEquals(List.of(
                f + ":3: bad gid for group bad, skipped",
                f + ":4: malformed entry (expected 4 fields, found 3), skipped",
                f + ":5: duplicate group staff, the first entry counts",
                f + ":8: malformed entry (expected 4 fields, found 5), skipped"), problems);
        assertEquals(List.of(
                new GroupEntry("staff", 100, List.of("alice", "bob")),
                new GroupEntry("ftp", 101, List.of()),
                new GroupEntry("spaces", 102, List.of("alice", "bob"))), parsed.all());
        assertEquals(parsed.all().get(0), parsed.byName().get("staff"));
    }

    @Test
    void negativeGidIsRefusedAsInThePasswdFile() throws IOException {
        Path f = write("ftpd.group", "neg:x:-5:alice\nok:x:5:alice\n", "rw-------");
        Parsed<GroupEntry> parsed = AuthFiles.readGroups(f, problems::add);
        assertEquals(List.of(f + ":1: negative gid for group neg, skipped"), problems);
        assertEquals(List.of(new GroupEntry("ok", 5, List.of("alice"))), parsed.all());
    }

    @Test
    void emptyGroupNameIsRefusedAsInThePasswdFile() throws IOException {
        Path f = write("ftpd.group", ":x:300:alice\nok:x:5:\n", "rw-------");
        Parsed<GroupEntry> parsed = AuthFiles.readGroups(f, problems::add);
        assertEquals(List.of(f + ":1: empty group name, skipped"), problems);
        assertEquals(List.of(new GroupEntry("ok", 5, List.of())), parsed.all());
    }

    // ------------------------------------------------------------------ permissions

    @Test
    void privateFilesInAPrivateDirectoryAreAccepted() throws IOException {
        assertNull(AuthFiles.insecure(write("p", "", "rw-------"), true));
        assertNull(AuthFiles.insecure(write("g", "", "rw-r-----"), false));
        assertNull(AuthFiles.insecure(write("g2", "", "rw-r--r--"), false), "a group file may be world-readable");
    }

    @Test
    void worldReadablePasswordFileIsRefused() throws IOException {
        assertEquals("is world-readable", AuthFiles.insecure(write("p", "", "rw-r--r--"), true));
    }

    @Test
    void worldWritableFileIsRefused() throws IOException {
        assertEquals("is world-writable", AuthFiles.insecure(write("p", "", "rw-----w-"), true));
        assertEquals("is world-writable", AuthFiles.insecure(write("g", "", "rw-rw-rw-"), false));
    }

    @Test
    void fileInAWorldWritableDirectoryIsRefused() throws IOException {
        Path f = write("p", "", "rw-------");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals("is in a world-writable directory", AuthFiles.insecure(f, true));
        assertEquals("is in a world-writable directory", AuthFiles.insecure(f, false));
    }

    @Test
    void missingFileIsNotAPermissionProblem() {
        assertNull(AuthFiles.insecure(dir.resolve("nope"), true));
    }

    // ------------------------------------------------------------------ stamp

    @Test
    void stampChangesWhenTheFileChanges() throws IOException {
        Path f = write("p", "alice:x:1:1::/h:/bin/sh\n", "rw-------");
        Object before = AuthFiles.stamp(f);
        assertEquals(before, AuthFiles.stamp(f));
        Files.writeString(f, "alice:x:1:1::/h:/bin/shh\n");
        assertNotEquals(before, AuthFiles.stamp(f), "size changed");
        Object sized = AuthFiles.stamp(f);
        Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() - 5000));
        assertNotEquals(sized, AuthFiles.stamp(f), "time changed");
    }
}

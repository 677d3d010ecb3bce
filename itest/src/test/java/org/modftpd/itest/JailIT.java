package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.Test;
import org.modftpd.itest.support.ProtoControl;
import org.modftpd.itest.support.ProtoData;
import org.modftpd.itest.support.ProtoData.Mode;
import org.modftpd.itest.support.ProtoFiles;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.Reply;
import org.modftpd.itest.support.ServerTestSupport;

/**
 * DefaultRoot ~ and the anonymous root behave as chroot: no {@code ..}, absolute path, symbolic link
 * or encoding trick reaches a file outside, and link targets are seen as a chrooted process sees them.
 */
public class JailIT extends ServerTestSupport {

    private static final Instant OUTSIDE_MTIME = Instant.parse("2011-11-11T11:11:11Z");

    @Override
    protected String configuration(Provision.Env env) {
        Path home = env.home("alice");
        try {
            ProtoFiles.write(home.resolve("sub/secret.txt"), "inside\n".getBytes(StandardCharsets.US_ASCII));
            Files.createSymbolicLink(home.resolve("etclink"), Path.of("/etc"));
            Files.createSymbolicLink(home.resolve("abslink"), Path.of("/sub"));
            Files.createSymbolicLink(home.resolve("climb"), Path.of("../../.."));
            Path outside = ProtoFiles.write(env.dir().resolve("outside/outside.txt"),
                    "OUTSIDE\n".getBytes(StandardCharsets.US_ASCII));
            Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setLastModifiedTime(outside, FileTime.from(OUTSIDE_MTIME));
            Files.createSymbolicLink(home.resolve("outlink"), outside);
            Files.createSymbolicLink(home.resolve("outdir"), outside.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return String.join("\n",
                "DefaultRoot ~",
                "<Anonymous " + env.anon() + ">",
                "  User ftp",
                "  Group ftp",
                "  UserAlias anonymous ftp",
                "  RequireValidShell off",
                "</Anonymous>",
                "");
    }

    private ProtoControl alice() throws IOException {
        ProtoControl c = ProtoControl.connect(port());
        try {
            c.login("alice", Provision.ALICE_PASSWORD);
            c.expect("TYPE I", 200);
            return c;
        } catch (IOException | AssertionError e) {
            c.close();
            throw e;
        }
    }

    private static void assertReply(String expected, Reply actual) {
        assertEquals(expected, actual.code() + " " + actual.text());
    }

    /** A listing command's output (possibly empty, possibly refused); never null. */
    private static String listing(ProtoControl c, String command) throws IOException {
        ProtoData.Result r = c.download(Mode.PASV, command);
        return (r.data() == null ? "" : new String(r.data(), StandardCharsets.UTF_8)) + "\n" + r.last();
    }

    /** Nothing of the real /etc: no passwd, no hostname, no group. */
    private static void assertNothingOfEtc(String what, String text) {
        for (String name : new String[] {"passwd", "hostname", "group", "shadow", "os-release"}) {
            assertFalse(what + " shows /etc/" + name + ":\n" + text, text.contains(name));
        }
    }

    private void assertOutsideUntouched() throws IOException {
        Path outside = dir().resolve("outside/outside.txt");
        assertEquals("OUTSIDE\n", Files.readString(outside));
        assertEquals("644", ProtoFiles.mode(outside));
        assertEquals(OUTSIDE_MTIME, Files.getLastModifiedTime(outside).toInstant());
    }

    // ---------------------------------------------------------------- .. and absolute paths

    @Test
    public void dotDotAndAbsolutePathsStayInside() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("CWD ..", 250, "CWD command successful");
            c.expect("PWD", 257, "\"/\" is the current directory");
            c.expect("CWD ../../../..", 250, "CWD command successful");
            c.expect("PWD", 257, "\"/\" is the current directory");
            c.expect("CDUP", 250, "CDUP command successful");
            c.expect("PWD", 257, "\"/\" is the current directory");
            c.expect("CWD /etc", 550, "/etc: No such file or directory");
            c.expect("SIZE /etc/passwd", 550, "/etc/passwd: No such file or directory");
            c.expect("MDTM ../../../../etc/passwd", 550, "../../../../etc/passwd: No such file or directory");
            for (String path : new String[] {"/etc/passwd", "../../../../etc/passwd", "/../etc/passwd",
                "sub/../../../../../etc/passwd", "//etc//passwd"}) {
                try (ProtoData d = c.data(Mode.PASV)) {
                    assertReply("550 " + path + ": No such file or directory", d.download("RETR " + path).last());
                }
            }
            String root = listing(c, "LIST -a ../../..");
            assertTrue(root, root.contains(" sub\r\n") && root.contains(" etclink -> /etc\r\n"));
            assertNothingOfEtc("LIST ../../..", root);
            c.expect("CWD sub", 250);
            c.expect("CWD ../..", 250);
            c.expect("PWD", 257, "\"/\" is the current directory");
        }
    }

    @Test
    public void percentEncodedDotsAreJustNames() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("CWD %2e%2e", 550, "%2e%2e: No such file or directory");
            c.expect("CWD %2e%2e%2f%2e%2e", 550, "%2e%2e%2f%2e%2e: No such file or directory");
            try (ProtoData d = c.data(Mode.PASV)) {
                assertReply("550 %2e%2e/%2e%2e/etc/passwd: No such file or directory",
                        d.download("RETR %2e%2e/%2e%2e/etc/passwd").last());
            }
            c.expect("MKD %2e%2e", 257, "\"/%2e%2e\" - Directory successfully created");
            assertTrue(Files.isDirectory(home("alice").resolve("%2e%2e")));
            c.expect("CWD %2e%2e", 250);
            c.expect("PWD", 257, "\"/%2e%2e\" is the current directory");
            c.expect("CWD ..", 250);
            c.expect("RMD %2e%2e", 250);
        }
    }

    // ---------------------------------------------------------------- symbolic links

    @Test
    public void aLinkToEtcDoesNotReachTheRealEtc() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("CWD etclink", 550, "etclink: No such file or directory");
            c.expect("SIZE etclink/passwd", 550, "etclink/passwd: No such file or directory");
            try (ProtoData d = c.data(Mode.PASV)) {
                assertReply("550 etclink/passwd: No such file or directory", d.download("RETR etclink/passwd").last());
            }
            for (String cmd : new String[] {"LIST etclink", "LIST etclink/", "LIST -L etclink", "LIST etclink/.",
                "LIST -LR", "LIST -laR", "NLST etclink", "NLST etclink/", "NLST -a etclink", "MLSD etclink"}) {
                assertNothingOfEtc(cmd, listing(c, cmd));
            }
            String list = listing(c, "LIST etclink");
            assertTrue(list, list.contains(" etclink -> /etc\r\n"));
            assertNothingOfEtc("STAT etclink", c.command("STAT etclink").raw());
            assertNothingOfEtc("STAT -L etclink", c.command("STAT -L etclink").raw());
            Reply mlst = c.command("MLST etclink");
            assertFalse(mlst.raw(), mlst.raw().contains("type=dir"));
        }
    }

    @Test
    public void linksToFilesOutsideCannotBeReadOrChanged() throws Exception {
        try (ProtoControl c = alice()) {
            try (ProtoData d = c.data(Mode.PASV)) {
                assertReply("550 outlink: No such file or directory", d.download("RETR outlink").last());
            }
            c.expect("SIZE outlink", 550, "outlink: No such file or directory");
            c.expect("MDTM outlink", 550, "outlink: No such file or directory");
            c.expect("CWD outdir", 550, "outdir: No such file or directory");
            assertEquals(550, c.command("SITE CHMOD 600 outlink").code());
            assertEquals(550, c.command("MFMT 20200101000000 outlink").code());
            assertEquals(550, c.command("MFF modify=20200101000000; outlink").code());
            c.expect("TYPE I", 200);
            try (ProtoData d = c.data(Mode.PASV)) {
                assertEquals(550, d.upload("STOR outlink", "pwned".getBytes(StandardCharsets.US_ASCII)).last().code());
            }
            for (String cmd : new String[] {"NLST outdir", "LIST -L outdir", "MLSD outdir", "LIST -LR"}) {
                String text = listing(c, cmd);
                assertFalse(cmd + ":\n" + text, text.contains("outside.txt"));
            }
            assertFalse(c.command("STAT -L outdir").raw().contains("outside.txt"));
        }
        assertOutsideUntouched();
    }

    @Test
    public void linkTargetsAreSeenFromTheJailRoot() throws Exception {
        try (ProtoControl c = alice()) {
            // abslink -> /sub: an absolute target starts at the session's root
            assertEquals("inside\n", new String(c.retrieve(Mode.PASV, "RETR abslink/secret.txt"), StandardCharsets.US_ASCII));
            c.expect("CWD abslink", 250);
            // with ShowSymlinks on (the default) ProFTPD changes to the link's real path (dir_realpath)
            c.expect("PWD", 257, "\"/sub\" is the current directory");
            c.expect("SIZE secret.txt", 213, "7");
            c.expect("CWD /", 250);
            // climb -> ../../.. stops at the root, as it would under chroot
            assertEquals("inside\n", new String(c.retrieve(Mode.PASV, "RETR climb/sub/secret.txt"), StandardCharsets.US_ASCII));
            assertEquals("inside\n",
                    new String(c.retrieve(Mode.PASV, "RETR climb/climb/climb/sub/secret.txt"), StandardCharsets.US_ASCII));
            try (ProtoData d = c.data(Mode.PASV)) {
                assertReply("550 climb/etc/passwd: No such file or directory", d.download("RETR climb/etc/passwd").last());
            }
            String names = listing(c, "NLST climb");
            assertTrue(names, names.contains("climb/sub\r\n"));
            assertFalse("NLST climb shows the test folder outside the jail:\n" + names, names.contains("system.log"));
            String mlsd = listing(c, "MLSD climb");
            assertTrue(mlsd, mlsd.contains(" sub\r\n"));
            assertFalse(mlsd, mlsd.contains("system.log"));
        }
    }

    @Test
    public void theJailRootCannotBeRemoved() throws Exception {
        // bob's home is empty, so only the jail itself can stop RMD from deleting it
        try (ProtoControl c = ProtoControl.connect(port())) {
            c.login("bob", Provision.BOB_PASSWORD);
            for (String arg : new String[] {"/", ".", "..", "../..", "/.", "//"}) {
                c.expect("RMD " + arg, 550, arg + ": Device or resource busy");
                assertTrue("RMD " + arg + " removed the jail root", Files.isDirectory(home("bob")));
            }
            c.expect("XRMD /", 550, "/: Device or resource busy");
            c.expect("PWD", 257, "\"/\" is the current directory");
            c.expect("CDUP", 250, "CDUP command successful");
            c.expect("MKD d", 257);
            c.expect("RMD d", 250, "RMD command successful");
        }
        assertTrue(Files.isDirectory(home("bob")));
    }

    // ---------------------------------------------------------------- anonymous

    @Test
    public void anonymousLoginIsJailedInTheAnonymousRoot() throws Exception {
        try (ProtoControl c = ProtoControl.connect(port())) {
            c.expect("USER anonymous", 331, "Anonymous login ok, send your complete email address as your password");
            c.expect("PASS x", 230, "Anonymous access granted, restrictions apply");
            c.expect("PWD", 257, "\"/\" is the current directory");
            c.expect("TYPE I", 200);
            assertEquals("hello, anonymous\n", new String(c.retrieve(Mode.PASV, "RETR pub/hello.txt"), StandardCharsets.US_ASCII));
            assertEquals("hello, anonymous\n",
                    new String(c.retrieve(Mode.PASV, "RETR /../../pub/hello.txt"), StandardCharsets.US_ASCII));
            c.expect("CWD ..", 250);
            c.expect("PWD", 257, "\"/\" is the current directory");
            try (ProtoData d = c.data(Mode.PASV)) {
                assertReply("550 ../etc/passwd: No such file or directory", d.download("RETR ../etc/passwd").last());
            }
            try (ProtoData d = c.data(Mode.PASV)) {
                assertReply("550 ../home/alice/sub/secret.txt: No such file or directory",
                        d.download("RETR ../home/alice/sub/secret.txt").last());
            }
            assertEquals("pub\r\n", new String(c.retrieve(Mode.PASV, "NLST"), StandardCharsets.US_ASCII));
            assertTrue(c.command("STAT").raw().contains(" Logged in as ftp\r\n".strip()));
        }
        try (ProtoControl c = ProtoControl.connect(port())) {
            c.expect("USER ftp", 331, "Anonymous login ok, send your complete email address as your password");
            c.expect("PASS", 230, "Anonymous access granted, restrictions apply");
            c.expect("PWD", 257, "\"/\" is the current directory");
        }
    }
}

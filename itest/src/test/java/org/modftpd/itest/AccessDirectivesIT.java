package org.modftpd.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.net.ftp.FTPFile;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;

/**
 * The other access-control directives end to end: .ftpaccess (and AllowOverride off), HideFiles,
 * DirFake*, ListOptions, the command and path filters, MaxStoreFileSize/MaxRetrieveFileSize scoped
 * by user, UserPassword with AnonRequirePassword, AnonRejectPasswords, AuthAliasOnly, DefaultChdir,
 * and AllowClass in a {@code <Limit>}.
 */
public class AccessDirectivesIT extends ServerTestSupport {

    @Test
    public void ftpaccessIsHonouredReReadAndSwitchedOffByAllowOverride() throws Exception {
        reconfigure("DefaultRoot ~\nAllowOverwrite on");
        Path shared = home("alice").resolve("shared");
        Files.createDirectories(shared);
        Files.writeString(shared.resolve(".ftpaccess"), "<Limit STOR>\n  DenyAll\n</Limit>\n");
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD).binary().passive()) {
            assertEquals("shared/a.txt: Permission denied", ftp.expect(550, "STOR shared/a.txt").text());
            ftp.store("top.txt", "top\n".getBytes(StandardCharsets.UTF_8));
            Files.writeString(shared.resolve(".ftpaccess"), "# nothing denied any more\nAllowOverwrite on\n");
            ftp.store("shared/a.txt", "now allowed\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("now allowed\n", Files.readString(shared.resolve("a.txt")));
        }
        Files.writeString(shared.resolve(".ftpaccess"), "<Limit STOR>\n  DenyAll\n</Limit>\n");
        reconfigure("DefaultRoot ~\nAllowOverwrite on\nAllowOverride off");
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD).binary().passive()) {
            ftp.store("shared/b.txt", "override off\n".getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(shared.resolve(".ftpaccess"), "NoSuchDirective here\n");
        reconfigure("DefaultRoot ~\nAllowOverwrite on");
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD).binary().passive()) {
            ftp.store("shared/c.txt", "broken .ftpaccess is ignored\n".getBytes(StandardCharsets.UTF_8));
        }
        String log = Files.readString(dir().resolve("system.log"));
        assertTrue(log, log.contains(".ftpaccess:1: unknown configuration directive 'NoSuchDirective'"));
    }

    /**
     * .ftpaccess lookups are remembered within one command only: a file created (by the server's
     * owner or by an upload in the same session) after the directory was visited, or removed again,
     * counts from the next command on.
     */
    @Test
    public void ftpaccessCreatedAfterTheDirectoryWasVisitedTakesEffect() throws Exception {
        reconfigure("DefaultRoot ~\nAllowOverwrite on");
        Path docs = home("alice").resolve("docs");
        Files.createDirectories(docs.resolve("sub"));
        Files.writeString(docs.resolve("sub/f.txt"), "file\n");
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD).binary().passive()) {
            ftp.expect(250, "CWD docs");
            assertEquals("file\n", new String(ftp.retrieve("sub/f.txt"), StandardCharsets.UTF_8));
            ftp.store("sub/g.txt", "g\n".getBytes(StandardCharsets.UTF_8));
            // created from outside, two levels up from the file
            Files.writeString(docs.resolve(".ftpaccess"), "<Limit RETR>\n  DenyAll\n</Limit>\n");
            assertEquals("sub/f.txt: Permission denied", ftp.expect(550, "RETR sub/f.txt").text());
            ftp.store("sub/h.txt", "h\n".getBytes(StandardCharsets.UTF_8));
            // uploaded by the session itself into a visited directory
            ftp.store("sub/.ftpaccess", "<Limit STOR>\n  DenyAll\n</Limit>\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("sub/i.txt: Permission denied", ftp.expect(550, "STOR sub/i.txt").text());
            // removed again: allowed from the next command on
            Files.delete(docs.resolve(".ftpaccess"));
            Files.delete(docs.resolve("sub/.ftpaccess"));
            assertEquals("file\n", new String(ftp.retrieve("sub/f.txt"), StandardCharsets.UTF_8));
            ftp.store("sub/i.txt", "i\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("i\n", Files.readString(docs.resolve("sub/i.txt")));
    }

    /**
     * Commands that name no path (PASV here) are checked against the current directory's
     * configuration, .ftpaccess included. As ProFTPD keeps that configuration from its last directory
     * check, so does the server: it is built again at a CWD, after a command that looks at the
     * directory and finds its .ftpaccess changed, and after a command that writes.
     */
    @Test
    public void commandsThatNameNoPathFollowTheCurrentDirectory() throws Exception {
        reconfigure("DefaultRoot ~\nAllowOverwrite on");
        Path quiet = home("alice").resolve("quiet");
        Path open = home("alice").resolve("open");
        Files.createDirectories(quiet);
        Files.createDirectories(open);
        Files.writeString(open.resolve("file.txt"), "file\n");
        String denyPasv = "<Limit PASV>\n  DenyAll\n</Limit>\n";
        Files.writeString(quiet.resolve(".ftpaccess"), denyPasv + "DenyFilter \"forbidden\"\n");
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD).binary().passive()) {
            assertEquals(227, ftp.send("PASV").code());
            assertEquals("forbidden: No such file or directory", ftp.expect(550, "SIZE forbidden").text());
            ftp.expect(250, "CWD quiet");
            assertEquals("PASV: Operation not permitted", ftp.expect(501, "PASV").text());
            // DenyFilter checks every argument against the current directory's configuration too
            assertEquals("forbidden: Forbidden command argument", ftp.expect(550, "SIZE forbidden").text());
            ftp.expect(250, "CDUP");
            assertEquals(227, ftp.send("PASV").code());

            ftp.expect(250, "CWD open");
            assertEquals(227, ftp.send("PASV").code());
            // written from outside: PASV reads no .ftpaccess itself ...
            Files.writeString(open.resolve(".ftpaccess"), denyPasv);
            assertEquals(227, ftp.send("PASV").code());
            // ... a command that looks at the directory finds it, and PASV follows from then on
            ftp.expect(213, "SIZE file.txt");
            assertEquals("PASV: Operation not permitted", ftp.expect(501, "PASV").text());
            Files.delete(open.resolve(".ftpaccess"));
            ftp.expect(250, "CWD .");
            assertEquals(227, ftp.send("PASV").code());
            // uploaded by the session itself: counts at once
            ftp.store(".ftpaccess", denyPasv.getBytes(StandardCharsets.UTF_8));
            assertEquals("PASV: Operation not permitted", ftp.expect(501, "PASV").text());
            ftp.expect(250, "DELE .ftpaccess");
            assertEquals(227, ftp.send("PASV").code());
        }
    }

    @Test
    public void hideFilesAndFakeOwnership() throws Exception {
        reconfigure("DefaultRoot ~\nHideFiles \\.bak$\nDirFakeUser on nobody\nDirFakeGroup on nogroup\nDirFakeMode 0640");
        Files.writeString(home("alice").resolve("notes.txt"), "notes\n");
        Files.writeString(home("alice").resolve("notes.txt.bak"), "old\n");
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD).passive()) {
            FTPFile[] files = ftp.client().listFiles();
            List<String> names = Arrays.stream(files).map(FTPFile::getName).toList();
            assertTrue(names.toString(), names.contains("notes.txt"));
            assertFalse(names.toString(), names.contains("notes.txt.bak"));
            FTPFile notes = Arrays.stream(files).filter(f -> f.getName().equals("notes.txt")).findFirst().orElseThrow();
            assertEquals("nobody", notes.getUser());
            assertEquals("nogroup", notes.getGroup());
            assertTrue(notes.getRawListing(), notes.getRawListing().startsWith("-rw-r-----"));
        }
    }

    @Test
    public void listOptionsAddDotfiles() throws Exception {
        reconfigure("DefaultRoot ~\nListOptions \"-a\"");
        Files.writeString(home("alice").resolve(".profile"), "x\n");
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD).passive()) {
            List<String> names = Arrays.asList(ftp.client().listNames());
            assertTrue(names.toString(), names.contains(".profile"));
        }
    }

    @Test
    public void commandAndPathFilters() throws Exception {
        reconfigure("DefaultRoot ~\nPathDenyFilter \"\\.(exe|ftpaccess)$\"\nDenyFilter \"\\*\\*\"");
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD).passive()) {
            assertEquals("virus.exe: Forbidden filename", ftp.expect(550, "STOR virus.exe").text());
            assertEquals(".ftpaccess: Forbidden filename", ftp.expect(550, "STOR .ftpaccess").text());
            assertEquals("**: Forbidden command argument", ftp.expect(550, "CWD **").text());
            ftp.expect(257, "MKD fine");
        }
    }

    @Test
    public void fileSizeLimitsScopedByUser() throws Exception {
        reconfigure("DefaultRoot ~\nAllowOverwrite on\nMaxStoreFileSize 10 KB user alice\nMaxStoreFileSize *\n"
                + "MaxRetrieveFileSize 1 KB user bob");
        byte[] big = new byte[20 * 1024];
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD).binary().passive()) {
            ftp.store("small.bin", new byte[5 * 1024]);
            assertFalse(ftp.client().storeFile("big.bin", new java.io.ByteArrayInputStream(big)));
            assertEquals(552, ftp.client().getReplyCode());
            assertEquals("Transfer aborted. File too large", ftp.last().text());
            assertFalse(Files.exists(home("alice").resolve("big.bin")));
        }
        try (Ftp ftp = login("bob", Provision.BOB_PASSWORD).binary().passive()) {
            ftp.store("big.bin", big);
            assertEquals(big.length, Files.size(home("bob").resolve("big.bin")));
            assertFalse(ftp.client().retrieveFile("big.bin", java.io.OutputStream.nullOutputStream()));
            assertEquals(426, ftp.client().getReplyCode());
            assertEquals("Transfer aborted. Operation not permitted", ftp.last().text());
        }
    }

    @Test
    public void passwordProtectedAnonymousSiteAndRejectedPasswords() throws Exception {
        reconfigure("<Anonymous " + dir().resolve("anon") + ">\n User ftp\n Group ftp\n UserAlias guest ftp\n"
                + " RequireValidShell off\n AnonRequirePassword on\n"
                + " UserPassword ftp $1$carols$nOh.x.vV9wUJYbDj3R55j/\n</Anonymous>\n"
                + "<Anonymous " + dir().resolve("anon") + ">\n User nobody-anon\n</Anonymous>");
        try (Ftp ftp = connect()) {
            assertEquals("Password required for guest", ftp.expect(331, "USER guest").text());
            ftp.expect(530, "PASS wrong");
            ftp.expect(331, "USER guest");
            assertEquals("Anonymous access granted, restrictions apply",
                    ftp.expect(230, "PASS " + Provision.CAROL_PASSWORD).text());
        }
        reconfigure("<Anonymous " + dir().resolve("anon") + ">\n User ftp\n Group ftp\n UserAlias anonymous ftp\n"
                + " RequireValidShell off\n AnonRejectPasswords ^spam\n</Anonymous>");
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER anonymous");
            ftp.expect(530, "PASS spammer@example.com");
            ftp.expect(331, "USER anonymous");
            ftp.expect(230, "PASS friend@example.com");
        }
    }

    @Test
    public void authAliasOnlyAndDefaultChdir() throws Exception {
        Files.createDirectories(home("alice").resolve("incoming"));
        reconfigure("AuthAliasOnly on\nUserAlias al alice\nDefaultChdir ~/incoming");
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER alice");
            ftp.expect(530, "PASS " + Provision.ALICE_PASSWORD);
        }
        try (Ftp ftp = login("al", Provision.ALICE_PASSWORD)) {
            assertEquals("\"" + home("alice").toRealPath().resolve("incoming") + "\" is the current directory",
                    ftp.expect(257, "PWD").text());
        }
    }

    @Test
    public void allowClassInALimit() throws Exception {
        reconfigure("DefaultRoot ~\n<Class trusted>\n  From 127.0.0.2\n</Class>\n"
                + "<Limit MKD>\n  AllowClass trusted\n  DenyAll\n</Limit>");
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD)) {
            ftp.expect(550, "MKD from-localhost");
        }
        try (Ftp ftp = Ftp.connectFrom("127.0.0.2", port()).login("alice", Provision.ALICE_PASSWORD)) {
            ftp.expect(257, "MKD from-trusted");
        }
        assertArrayEquals(new boolean[] {false, true}, new boolean[] {
                Files.exists(home("alice").resolve("from-localhost")), Files.exists(home("alice").resolve("from-trusted"))});
    }

    @Test
    public void siteSubcommandsAreLimitedByTheirOwnName() throws Exception {
        reconfigure("DefaultRoot ~\n<Limit SITE_CHMOD>\n  DenyAll\n</Limit>");
        Files.writeString(home("alice").resolve("mode.txt"), "m\n");
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD)) {
            assertEquals("CHMOD 600 mode.txt: Permission denied", ftp.expect(550, "SITE CHMOD 600 mode.txt").text());
        }
    }

    @Test
    public void namesFromReverseDnsInAllowAndClass() throws Exception {
        String localName = java.net.InetAddress.getByName("127.0.0.1").getCanonicalHostName();
        org.junit.Assume.assumeFalse("127.0.0.1 has no name here", localName.equals("127.0.0.1"));
        reconfigure("DefaultRoot ~\n<Limit MKD>\n  Deny from " + localName.charAt(0) + "*\n</Limit>");
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD)) {
            ftp.expect(550, "MKD by-name");
        }
        reconfigure("DefaultRoot ~\nUseReverseDNS off\n<Limit MKD>\n  Deny from " + localName.charAt(0) + "*\n</Limit>");
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD)) {
            ftp.expect(257, "MKD without-names");
        }
    }

    @Test
    public void exactCommandBeatsGroupBeatsAll() throws Exception {
        reconfigure("DefaultRoot ~\n<Limit ALL>\n  DenyAll\n</Limit>\n<Limit READ>\n  AllowAll\n</Limit>\n"
                + "<Limit SIZE>\n  DenyAll\n</Limit>");
        Files.writeString(home("alice").resolve("p.txt"), "precedence\n");
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD).binary().passive()) {
            assertEquals("precedence\n", new String(ftp.retrieve("p.txt"), StandardCharsets.UTF_8));
            ftp.expect(550, "SIZE p.txt");
            ftp.expect(550, "MKD denied-by-all");
            assertEquals("PWD: Permission denied", ftp.expect(550, "PWD").text());
            assertEquals("Permission denied", ftp.expect(550, "NOOP").text());
        }
    }

    @Test
    public void deferredDirectoryOfAnotherUserAndHideNoAccess() throws Exception {
        Files.createDirectories(home("alice").resolve("private"));
        reconfigure("<Directory ~bob>\n  <Limit ALL>\n    DenyAll\n  </Limit>\n</Directory>\n"
                + "<Directory ~alice/private>\n  <Limit ALL>\n    DenyAll\n  </Limit>\n</Directory>\n"
                + "<Directory ~alice>\n  HideNoAccess on\n</Directory>");
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD).passive()) {
            assertEquals(home("bob").toRealPath() + ": Permission denied",
                    ftp.expect(550, "CWD " + home("bob").toRealPath()).text());
            List<String> names = Arrays.asList(ftp.client().listNames());
            assertFalse(names.toString(), names.contains("private"));
        }
    }
}

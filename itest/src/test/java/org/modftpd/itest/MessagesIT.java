package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Before;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.Reply;
import org.modftpd.itest.support.ServerTestSupport;

/**
 * Banners and messages as ProFTPD sends them: ServerIdent, DeferWelcome, DisplayConnect,
 * DisplayLogin, DisplayQuit, AccessGrantMsg and AccessDenyMsg. Each case reloads the server with a
 * variant of the configuration, which new sessions get.
 */
public class MessagesIT extends ServerTestSupport {

    private String base;

    @Before
    public void readBase() throws IOException {
        Path pristine = dir().resolve("proftpd.conf.base");
        if (!Files.exists(pristine)) {
            Files.copy(dir().resolve("proftpd.conf"), pristine);
        }
        base = Files.readString(pristine);
    }

    private void use(String extra) throws Exception {
        long before = generation();
        Files.writeString(dir().resolve("proftpd.conf"), base + extra + "\n");
        reload();
        awaitStatus("(modftpd.generation>=" + (before + 1) + ")");
    }

    @Test
    public void serverIdentForms() throws Exception {
        use("ServerIdent on \"Hello from %v on %L\"");
        try (Ftp ftp = connect()) {
            assertEquals("Hello from modftpd test on 127.0.0.1", ftp.greeting().text());
        }
        use("ServerIdent off");
        try (Ftp ftp = connect()) {
            assertEquals("127.0.0.1 FTP server ready", ftp.greeting().text());
        }
        use("DeferWelcome on");
        try (Ftp ftp = connect()) {
            assertEquals("ProFTPD Server ready.", ftp.greeting().text());
        }
    }

    @Test
    public void displayFilesAreFoldedIntoTheirReplies() throws Exception {
        Path connect = dir().resolve("connect.msg");
        Path login = dir().resolve("login.msg");
        Path quit = dir().resolve("quit.msg");
        Files.writeString(connect, "Welcome to %V\nYou are %R\n");
        Files.writeString(login, "Hello %U!\n\nYour directory is %C\n");
        Files.writeString(quit, "Bye %U\nCome back soon\n");
        use("DisplayConnect " + connect + "\nDisplayLogin " + login + "\nDisplayQuit " + quit + "\nDefaultRoot ~");
        try (Ftp ftp = connect()) {
            assertEquals(List.of("220-Welcome to modftpd test", " You are 127.0.0.1",
                    "220 ProFTPD Server (modftpd test) [127.0.0.1]"), ftp.greeting().lines());
            ftp.expect(331, "USER alice");
            Reply r = ftp.expect(230, "PASS " + Provision.ALICE_PASSWORD);
            assertEquals(List.of("230-Hello alice!", " ", " Your directory is /", "230 User alice logged in"),
                    r.lines());
            Reply bye = ftp.expect(221, "QUIT");
            assertEquals(List.of("221-Bye alice", "221 Come back soon"), bye.lines());
        }
    }

    @Test
    public void accessGrantAndDenyMessagesReplaceTheDefaults() throws Exception {
        use("AccessGrantMsg \"Welcome aboard, %u\"\nAccessDenyMsg \"No entry for %u\"");
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER alice");
            assertEquals("No entry for alice", ftp.expect(530, "PASS wrong").text());
            ftp.expect(331, "USER alice");
            assertEquals("Welcome aboard, alice", ftp.expect(230, "PASS " + Provision.ALICE_PASSWORD).text());
        }
    }

    @Test
    public void aBrokenReloadKeepsThePreviousConfiguration() throws Exception {
        use("ServerIdent on \"first\"");
        long good = generation();
        Files.writeString(dir().resolve("proftpd.conf"), base + "ServerIdent on \"second\"\nNoSuchDirective yes\n");
        reload();
        assertEquals(good, generation());
        try (Ftp ftp = connect()) {
            assertEquals("first", ftp.greeting().text());
        }
        String log = Files.readString(dir().resolve("system.log"));
        assertTrue(log, log.contains("proftpd.conf:" + (base.chars().filter(c -> c == '\n').count() + 2)
                + ": unknown configuration directive 'NoSuchDirective'"));
        assertTrue(log, log.contains("reload refused; the previous configuration stays in effect"));
    }
}

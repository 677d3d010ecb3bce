package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.Reply;
import org.modftpd.itest.support.ServerTestSupport;

/** Logins against mod_auth_file: each crypt scheme, wrong passwords, unknown users, replies as ProFTPD's. */
public class LoginIT extends ServerTestSupport {

    @Override
    protected String configuration(Provision.Env env) {
        return "DefaultRoot ~\n";
    }

    @Test
    public void bannerIsProftpdsDefault() throws Exception {
        try (Ftp ftp = connect()) {
            assertEquals(220, ftp.greeting().code());
            assertEquals("ProFTPD Server (modftpd test) [127.0.0.1]", ftp.greeting().text());
        }
    }

    @Test
    public void everyCryptSchemeLogsIn() throws Exception {
        for (List<String> user : List.of(List.of("alice", Provision.ALICE_PASSWORD), List.of("bob", Provision.BOB_PASSWORD),
                List.of("carol", Provision.CAROL_PASSWORD), List.of("dave", Provision.DAVE_PASSWORD),
                List.of("erin", Provision.ERIN_PASSWORD))) {
            try (Ftp ftp = connect()) {
                assertEquals("Password required for " + user.get(0), ftp.expect(331, "USER " + user.get(0)).text());
                Reply r = ftp.expect(230, "PASS " + user.get(1));
                assertEquals("User " + user.get(0) + " logged in", r.text());
                assertEquals("\"/\" is the current directory", ftp.expect(257, "PWD").text());
            }
        }
    }

    @Test
    public void wrongPasswordUnknownUserAndDisabledAccountsGet530() throws Exception {
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER alice");
            assertEquals("Login incorrect.", ftp.expect(530, "PASS wrong").text());
            ftp.expect(331, "USER nosuchuser");
            ftp.expect(530, "PASS whatever");
        }
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER locked");
            ftp.expect(530, "PASS anything");
            ftp.expect(331, "USER empty");
            ftp.expect(530, "PASS ");
        }
    }

    @Test
    public void commandsBeforeLoginAreRefused() throws Exception {
        try (Ftp ftp = connect()) {
            assertEquals("Please login with USER and PASS", ftp.expect(530, "PWD").text());
            assertEquals("Login with USER first", ftp.expect(503, "PASS x").text());
            assertEquals("UNIX Type: L8", ftp.expect(215, "SYST").text());
            assertEquals("FOO not understood", ftp.expect(500, "FOO").text());
        }
    }

    @Test
    public void thirdFailureDisconnects() throws Exception {
        try (Ftp ftp = connect()) {
            for (int i = 0; i < 3; i++) {
                ftp.expect(331, "USER alice");
                ftp.expect(530, "PASS wrong" + i);
            }
            assertThrows(java.io.IOException.class, () -> ftp.send("NOOP"));
        }
    }

    @Test
    public void malformedPasswdLinesAreSkippedAndLogged() throws Exception {
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD)) {
            assertTrue(ftp.expect(221, "QUIT").text().startsWith("Goodbye"));
        }
        String log = java.nio.file.Files.readString(dir().resolve("system.log"));
        assertTrue(log, log.contains("passwd:9: malformed entry (expected 7 fields, found 1), skipped"));
    }
}

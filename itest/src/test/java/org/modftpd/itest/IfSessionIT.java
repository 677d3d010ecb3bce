package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;

/**
 * mod_ifsession: the NAT how-to's per-class MasqueradeAddress, and the IfUser/IfGroup/
 * IfAuthenticated/IfClass cases of ProFTPD's mod_ifsession tests.
 */
public class IfSessionIT extends ServerTestSupport {

    private static final Pattern PASV = Pattern.compile("\\((\\d+,\\d+,\\d+,\\d+),(\\d+),(\\d+)\\)");

    @Override
    protected List<String> modules() {
        return List.of("mod_auth_file.jar", "mod_ifsession.jar");
    }

    /** The NAT how-to's recipe, word for word but for the addresses. */
    static final String NAT_RECIPE = """
            <IfModule mod_ifsession.c>
              # Define a class for internal clients
              <Class internal>
                From 127.0.0.1
              </Class>

              # Internal clients get a different MasqueradeAddress
              <IfClass internal>
                MasqueradeAddress 10.0.0.1
              </IfClass>

              # All other clients get some different, public MasqueradeAddress
              <IfClass !internal>
                MasqueradeAddress 192.0.2.7
              </IfClass>
            </IfModule>
            """;

    @Test
    public void natRecipeGivesEachClassItsOwnPassiveAddress() throws Exception {
        reconfigure(NAT_RECIPE);
        try (Ftp inside = login("alice", Provision.ALICE_PASSWORD);
                Ftp outside = Ftp.connectFrom("127.0.0.2", port()).login("alice", Provision.ALICE_PASSWORD)) {
            assertEquals("10,0,0,1", pasvAddress(inside.expect(227, "PASV").text()));
            assertEquals("192,0,2,7", pasvAddress(outside.expect(227, "PASV").text()));
            assertTrue(inside.expect(229, "EPSV").text().matches("Entering Extended Passive Mode \\(\\|\\|\\|\\d+\\|\\)"));
            assertTrue(outside.expect(229, "EPSV").text().matches("Entering Extended Passive Mode \\(\\|\\|\\|\\d+\\|\\)"));
            assertEquals("ProFTPD Server (modftpd test) [10.0.0.1]", inside.greeting().text());
        }
    }

    static String pasvAddress(String reply) {
        Matcher m = PASV.matcher(reply);
        assertTrue(reply, m.find());
        return m.group(1);
    }

    @Test
    public void displayLoginPerUser() throws Exception {
        Path msg = dir().resolve("hello.msg");
        Files.writeString(msg, "Hello %U!\n");
        reconfigure("<IfUser alice>\n  DisplayLogin " + msg + "\n</IfUser>");
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER alice");
            assertEquals(List.of("230-Hello alice!", "230 User alice logged in"),
                    ftp.expect(230, "PASS " + Provision.ALICE_PASSWORD).lines());
        }
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER bob");
            assertEquals(List.of("230 User bob logged in"), ftp.expect(230, "PASS " + Provision.BOB_PASSWORD).lines());
        }
    }

    @Test
    public void groupDirectoryAllowsOverAGlobalDenyAll() throws Exception {
        reconfigure("DefaultRoot ~\n<Directory />\n  <Limit ALL>\n    DenyAll\n  </Limit>\n</Directory>\n"
                + "<IfGroup staff>\n  <Directory ~>\n    <Limit ALL>\n      AllowAll\n    </Limit>\n  </Directory>\n</IfGroup>");
        try (Ftp bob = login("bob", Provision.BOB_PASSWORD)) {
            bob.expect(257, "PWD");
            bob.expect(257, "MKD staff-made");
        }
        try (Ftp alice = login("alice", Provision.ALICE_PASSWORD)) {
            alice.expect(550, "MKD users-made");
        }
        assertTrue(Files.isDirectory(home("bob").resolve("staff-made")));
    }

    @Test
    public void limitLoginInsideIfUserRefusesThatUser() throws Exception {
        reconfigure("<IfUser bob>\n  <Limit LOGIN>\n    DenyUser bob\n  </Limit>\n</IfUser>\n"
                + "<IfUser regex ^ca>\n  <Limit LOGIN>\n    Deny from 127.0.0.1\n  </Limit>\n</IfUser>");
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER bob");
            assertEquals("Login incorrect.", ftp.expect(530, "PASS " + Provision.BOB_PASSWORD).text());
        }
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER carol");
            ftp.expect(530, "PASS " + Provision.CAROL_PASSWORD);
        }
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD)) {
            ftp.expect(257, "PWD");
        }
    }

    @Test
    public void negatedAndRegexUsersAndClassMessages() throws Exception {
        reconfigure("<Class local>\n  From 127.0.0.1\n</Class>\n"
                + "<IfClass !foo AND !bar>\n  AccessGrantMsg \"OTHER access granted for %u\"\n</IfClass>\n"
                + "<IfUser !alice>\n  MaxClientsPerUser 5\n</IfUser>\n"
                + "<IfUser regex ^da>\n  AccessGrantMsg \"regex welcome %u\"\n</IfUser>");
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER alice");
            assertEquals("OTHER access granted for alice", ftp.expect(230, "PASS " + Provision.ALICE_PASSWORD).text());
        }
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER dave");
            assertEquals("regex welcome dave", ftp.expect(230, "PASS " + Provision.DAVE_PASSWORD).text());
        }
    }

    @Test
    public void ifAuthenticatedOpensWritesForLoggedInUsers() throws Exception {
        reconfigure("DefaultRoot ~\n<Limit WRITE>\n  DenyAll\n</Limit>\n"
                + "<IfAuthenticated>\n  <Directory " + dir().resolve("home") + ">\n    <Limit WRITE>\n      AllowAll\n"
                + "    </Limit>\n  </Directory>\n</IfAuthenticated>");
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD).binary().passive()) {
            ftp.store("written.txt", "ok\n".getBytes());
            assertEquals(226, ftp.last().code());
        }
    }

    @Test
    public void userScopedMaxClientsIsMergedBeforeModAuthCountsIt() throws Exception {
        reconfigure("<IfUser alice>\n  MaxClientsPerUser 1\n</IfUser>");
        try (Ftp first = login("alice", Provision.ALICE_PASSWORD); Ftp second = connect()) {
            second.expect(331, "USER alice");
            assertEquals("Sorry, the maximum number of clients (1) for this user are already connected.",
                    second.expect(530, "PASS " + Provision.ALICE_PASSWORD).text());
            try (Ftp b1 = login("bob", Provision.BOB_PASSWORD); Ftp b2 = login("bob", Provision.BOB_PASSWORD)) {
                b2.expect(257, "PWD");
            }
        }
    }

    @Test
    public void perUnauthenticatedUserMergesAreTakenBackByTheNextUser() throws Exception {
        reconfigure("<IfModule mod_ifsession.c>\n  IfSessionOptions PerUnauthenticatedUser\n</IfModule>\n"
                + "<IfUser alice>\n  AccessDenyMsg \"no entry for alice\"\n  AccessGrantMsg \"alice's welcome\"\n</IfUser>\n");
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER alice");
            assertEquals("no entry for alice", ftp.expect(530, "PASS wrong").text());
            ftp.expect(331, "USER bob");
            assertEquals("Login incorrect.", ftp.expect(530, "PASS wrong").text());
        }
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER alice");
            ftp.expect(331, "USER bob");
            assertEquals("User bob logged in", ftp.expect(230, "PASS " + Provision.BOB_PASSWORD).text());
        }
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER bob");
            ftp.expect(331, "USER alice");
            assertEquals("alice's welcome", ftp.expect(230, "PASS " + Provision.ALICE_PASSWORD).text());
        }
    }
}

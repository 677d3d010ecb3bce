package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;

/**
 * {@code <Limit LOGIN>} by address (the FAQ's subnet example, 5.11) and the Max* limits with their
 * ProFTPD replies, counted across every session of the server.
 */
public class FaqLoginLimitsIT extends ServerTestSupport {

    @Test
    public void subnetDeniedBeforeTheBannerWhileOthersGetIn() throws Exception {
        reconfigure("<Limit LOGIN>\n  Order deny,allow\n  Deny from 127.0.0.2\n  Allow from all\n</Limit>");
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port()), 10_000);
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("no welcome for a client that can never log in", null, in.readLine());
        }
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD)) {
            ftp.expect(257, "PWD");
        }
        reconfigure("<Limit LOGIN>\n  DenyUser bob\n</Limit>");
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER bob");
            ftp.expect(530, "PASS " + Provision.BOB_PASSWORD);
        }
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD)) {
            ftp.expect(257, "PWD");
        }
    }

    @Test
    public void maxClients() throws Exception {
        reconfigure("MaxClients 2");
        List<Ftp> in = new ArrayList<>();
        try {
            in.add(login("alice", Provision.ALICE_PASSWORD));
            in.add(login("bob", Provision.BOB_PASSWORD));
            Ftp third = connect();
            in.add(third);
            third.expect(331, "USER carol");
            assertEquals("Sorry, the maximum number of allowed clients (2) are already connected.",
                    third.expect(530, "PASS " + Provision.CAROL_PASSWORD).text());
            assertThrows(java.io.IOException.class, () -> third.send("NOOP"));
        } finally {
            in.forEach(Ftp::close);
        }
    }

    @Test
    public void maxClientsPerUserAndPerHostWithCustomMessage() throws Exception {
        reconfigure("MaxClientsPerUser 1 \"Only one session for %m user\"\nMaxClientsPerHost 3");
        try (Ftp first = login("alice", Provision.ALICE_PASSWORD); Ftp second = connect()) {
            second.expect(331, "USER alice");
            assertEquals("Only one session for 1 user", second.expect(530, "PASS " + Provision.ALICE_PASSWORD).text());
            second.quit();
            first.quit();
        }
        try (Ftp a = login("alice", Provision.ALICE_PASSWORD); Ftp b = login("bob", Provision.BOB_PASSWORD);
                Ftp c = login("carol", Provision.CAROL_PASSWORD); Ftp d = connect()) {
            d.expect(331, "USER dave");
            assertEquals("Sorry, the maximum number of clients (3) from your host are already connected.",
                    d.expect(530, "PASS " + Provision.DAVE_PASSWORD).text());
        }
    }

    @Test
    public void maxHostsPerUser() throws Exception {
        reconfigure("MaxHostsPerUser 1");
        try (Ftp here = login("alice", Provision.ALICE_PASSWORD); Ftp there = Ftp.connectFrom("127.0.0.2", port())) {
            there.expect(331, "USER alice");
            assertEquals("Sorry, the maximum number of hosts (1) for this user are already connected.",
                    there.expect(530, "PASS " + Provision.ALICE_PASSWORD).text());
            try (Ftp sameHost = login("alice", Provision.ALICE_PASSWORD)) {
                sameHost.expect(257, "PWD");
            }
        }
    }

    @Test
    public void maxConnectionsPerHostAtConnect() throws Exception {
        reconfigure("MaxConnectionsPerHost 2");
        try (Ftp a = connect(); Ftp b = connect(); Ftp c = connect()) {
            assertEquals(220, a.greeting().code());
            assertEquals(220, b.greeting().code());
            assertEquals(530, c.greeting().code());
            assertEquals("Sorry, the maximum number of connections (2) for your host are already connected.",
                    c.greeting().text());
        }
    }

    @Test
    public void maxClientsPerClass() throws Exception {
        reconfigure("<Class local>\n  From 127.0.0.0/8\n</Class>\nMaxClientsPerClass local 1");
        try (Ftp a = login("alice", Provision.ALICE_PASSWORD); Ftp b = connect()) {
            b.expect(331, "USER bob");
            assertEquals("Sorry, the maximum number of clients (1) from your class are already connected.",
                    b.expect(530, "PASS " + Provision.BOB_PASSWORD).text());
        }
    }
}

package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.regex.Pattern;
import org.junit.Assume;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;

/**
 * The SystemLog lines ProFTPD writes for refused PORT/EPRT commands, the PassivePorts fallback and
 * refused logins, with ProFTPD's wording and line layout, so log watchers written for ProFTPD (such
 * as fail2ban's proftpd filter, which keys on {@code (host[ip]): USER ... (Login failed): ...}) work.
 */
public class LogLinesIT extends ServerTestSupport {

    /** A SystemLog line: stamp, host, proftpd[pid], server name, (client[ip]), then the message. */
    private static final String PREFIX = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} \\S+ proftpd\\[\\d+\\] "
            + "modftpd test \\(\\S+\\[%s\\]\\): ";

    @Override
    protected String configuration(Provision.Env env) {
        return "DefaultRoot ~\n<Limit LOGIN>\n  DenyUser dave\n</Limit>\n";
    }

    @Test
    public void refusedPortAndEprtAreLogged() throws Exception {
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD)) {
            assertEquals("Illegal PORT command", ftp.expect(500, "PORT 192,0,2,7,200,10").text());
            assertEquals("Illegal PORT command", ftp.expect(500, "PORT 127,0,0,1,0,21").text());
            assertEquals("Illegal EPRT command", ftp.expect(500, "EPRT |1|192.0.2.7|5000|").text());
            assertEquals("Illegal EPRT command", ftp.expect(500, "EPRT |1|127.0.0.1|1023|").text());
            ftp.expect(200, "NOOP");
        }
        assertLogged("127.0.0.1", "Refused PORT 192,0,2,7,200,10 (address mismatch)");
        assertLogged("127.0.0.1", "Refused PORT 127,0,0,1,0,21 (port 21 below 1024, possible bounce attack)");
        assertLogged("127.0.0.1", "Refused EPRT |1|192.0.2.7|5000| (address mismatch)");
        assertLogged("127.0.0.1", "Refused EPRT |1|127.0.0.1|1023| (port 1023 below 1024, possible bounce attack)");
    }

    @Test
    public void anIpv4PortOnAnIpv6ControlConnectionIsLogged() throws Exception {
        Ftp ftp;
        try {
            ftp = Ftp.connect("::1", port());
        } catch (IOException e) {
            Assume.assumeNoException("no IPv6 loopback here", e);
            return;
        }
        try (ftp) {
            ftp.login("alice", Provision.ALICE_PASSWORD);
            assertEquals("Illegal PORT command", ftp.expect(500, "PORT 127,0,0,1,200,10").text());
        }
        assertLogged("::1", "Refused PORT 127,0,0,1,200,10 (IPv4/IPv6 address mismatch)");
    }

    @Test
    public void anExhaustedPassivePortsRangeFallsBackAndLogs() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int p = taken.getLocalPort();
            reconfigure("PassivePorts " + p + " " + p);
            try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD)) {
                String text = ftp.expect(227, "PASV").text();
                String[] parts = text.substring(text.indexOf('(') + 1, text.indexOf(')')).split(",");
                int port = Integer.parseInt(parts[4]) * 256 + Integer.parseInt(parts[5]);
                assertNotEquals("PASV fell back to another port", p, port);
                ftp.expect(226, "ABOR");
            }
            assertLogged("127.0.0.1", "unable to find open port in PassivePorts range " + p + "-" + p
                    + ": defaulting to INPORT_ANY (consider defining a larger PassivePorts range)");
        } finally {
            reconfigure("");
        }
    }

    @Test
    public void refusedLoginsAreLoggedAsProftpdLogsThem() throws Exception {
        refused("alice", "wrong");
        refused("nosuchuser", "whatever");
        refused("locked", "anything");
        refused("dave", Provision.DAVE_PASSWORD);
        assertLogged("127.0.0.1", "USER alice (Login failed): Incorrect password");
        assertLoggedMatching("127.0.0.1", "USER nosuchuser: no such user found from \\S+ \\[127\\.0\\.0\\.1\\] to "
                + "127\\.0\\.0\\.1:" + port());
        assertLogged("127.0.0.1", "USER locked (Login failed): Account disabled");
        assertLogged("127.0.0.1", "USER dave (Login failed): Limit access denies login");

        try (Ftp ftp = connect()) {
            for (int i = 0; i < 3; i++) {
                ftp.expect(331, "USER bob");
                ftp.expect(530, "PASS wrong" + i);
            }
        }
        LogRotateIT.awaitCount(dir().resolve("system.log"), "Maximum login attempts (3) exceeded", 1);
        assertLogged("127.0.0.1", "Maximum login attempts (3) exceeded, connection refused");
    }

    private void refused(String user, String password) throws IOException {
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER " + user);
            assertEquals("Login incorrect.", ftp.expect(530, "PASS " + password).text());
        }
    }

    private void assertLogged(String ip, String message) throws IOException {
        assertLoggedMatching(ip, Pattern.quote(message));
    }

    private void assertLoggedMatching(String ip, String messageRegex) throws IOException {
        Pattern line = Pattern.compile("(?m)^" + String.format(PREFIX, Pattern.quote(ip)) + messageRegex + "$");
        String log = Files.readString(dir().resolve("system.log"));
        assertTrue("no line " + line + " in\n" + log, line.matcher(log).find());
    }
}

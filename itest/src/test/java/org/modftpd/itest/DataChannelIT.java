package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;
import org.modftpd.itest.support.ProtoControl;
import org.modftpd.itest.support.ProtoData;
import org.modftpd.itest.support.ProtoData.Mode;
import org.modftpd.itest.support.ProtoFiles;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.Reply;
import org.modftpd.itest.support.ServerTestSupport;

/**
 * Data connection rules: PassivePorts, MasqueradeAddress (a virtual host on 127.0.0.2), foreign
 * PORT/EPRT addresses and ports below 1024, AllowForeignAddress for a class, EPSV ALL, passive
 * connections from a foreign address, and {@code <Limit EPSV PASV>} in an anonymous site.
 */
public class DataChannelIT extends ServerTestSupport {

    private static final String CONTENT = "data channel test content\n";

    @Override
    protected String configuration(Provision.Env env) {
        ProtoFiles.write(env.home("alice").resolve("file.txt"), CONTENT.getBytes(StandardCharsets.US_ASCII));
        int min;
        try {
            min = Math.min(Provision.freePort(), 65535 - 49);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return String.join("\n",
                "DefaultRoot ~",
                "PassivePorts " + min + " " + (min + 49),
                "<Class foreigners>",
                "  From 127.0.0.3",
                "</Class>",
                "AllowForeignAddress foreigners",
                "<Anonymous " + env.anon() + ">",
                "  User ftp",
                "  Group ftp",
                "  UserAlias anonymous ftp",
                "  RequireValidShell off",
                "  <Limit EPSV PASV>",
                "    DenyAll",
                "  </Limit>",
                "</Anonymous>",
                "<VirtualHost 127.0.0.2>",
                "  ServerName \"masqueraded\"",
                "  Port " + env.port(),
                "  AuthOrder mod_auth_file.c",
                "  AuthUserFile " + env.dir().resolve("etc/passwd"),
                "  AuthGroupFile " + env.dir().resolve("etc/group"),
                "  DefaultRoot ~",
                "  MasqueradeAddress 10.9.8.7",
                "</VirtualHost>",
                "");
    }

    private int[] passiveRange() throws IOException {
        Matcher m = Pattern.compile("PassivePorts (\\d+) (\\d+)").matcher(Files.readString(dir().resolve("proftpd.conf")));
        assertTrue(m.find());
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private ProtoControl alice(String from) throws IOException {
        ProtoControl c = ProtoControl.connectFrom(from, "127.0.0.1", port());
        try {
            c.login("alice", Provision.ALICE_PASSWORD);
            c.expect("TYPE I", 200, "Type set to I");
            return c;
        } catch (IOException | AssertionError e) {
            c.close();
            throw e;
        }
    }

    private String systemLog() throws IOException {
        return Files.readString(dir().resolve("system.log"));
    }

    private static void assertReply(String expected, Reply actual) {
        assertEquals(expected, actual.code() + " " + actual.text());
    }

    // ---------------------------------------------------------------- PassivePorts, MasqueradeAddress

    @Test
    public void passivePortsComeFromTheRange() throws Exception {
        int[] range = passiveRange();
        try (ProtoControl a = alice(null); ProtoControl b = alice(null)) {
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                Reply pasv = a.command("PASV");
                InetSocketAddress at = ProtoData.parse227(pasv);
                assertEquals("127.0.0.1", at.getAddress().getHostAddress());
                assertTrue(pasv + " in " + range[0] + "-" + range[1], at.getPort() >= range[0] && at.getPort() <= range[1]);
                seen.add(at.getPort());
                int epsv = ProtoData.parse229(a.command("EPSV"));
                assertTrue(epsv + " in " + range[0] + "-" + range[1], epsv >= range[0] && epsv <= range[1]);
                seen.add(epsv);
            }
            assertTrue("ports are chosen at random: " + seen, seen.size() > 1);

            // a listener that is still open holds its port: another session gets another one
            int held = ProtoData.parse227(a.command("PASV")).getPort();
            int other = ProtoData.parse227(b.command("PASV")).getPort();
            assertNotEquals(held, other);

            assertEquals(CONTENT, new String(a.retrieve(Mode.PASV, "RETR file.txt"), StandardCharsets.US_ASCII));
            assertEquals(CONTENT, new String(b.retrieve(Mode.EPSV, "RETR file.txt"), StandardCharsets.US_ASCII));
        }
    }

    @Test
    public void aFailedTransferClosesThePassiveListener() throws Exception {
        try (ProtoControl c = alice(null)) {
            for (String command : List.of("RETR missing.txt", "STOR /nodir/x", "APPE /nodir/x")) {
                InetSocketAddress at = ProtoData.parse227(c.command("PASV"));
                assertEquals(550, c.command(command).code());
                try (Socket s = new Socket()) {
                    s.connect(at, 10_000);
                    fail("the PASV listener of a failed " + command + " is still open");
                } catch (ConnectException expected) {
                    // closed, as ProFTPD's pr_data_reset does after a failed transfer command
                }
            }
            assertEquals(CONTENT, new String(c.retrieve(Mode.PASV, "RETR file.txt"), StandardCharsets.US_ASCII));
        }
    }

    @Test
    public void aborWhileTheServerWaitsForThePassiveConnection() throws Exception {
        try (ProtoControl c = alice(null)) {
            // ASCII is watched from the start; binary RETR only once it has to wait for the connection
            for (String type : List.of("A", "I")) {
                c.expect("TYPE " + type, 200);
                for (String pasv : List.of("PASV", "EPSV")) {
                    assertTrue(c.command(pasv).code() / 100 == 2);
                    c.writeLine("RETR file.txt");
                    c.writeLine("ABOR");
                    assertReply("426 Transfer aborted. Data connection closed.", c.read());
                    assertReply("226 Abort successful", c.read());
                    c.expect("NOOP", 200, "NOOP command successful");
                }
            }
            assertEquals(CONTENT, new String(c.retrieve(Mode.PASV, "RETR file.txt"), StandardCharsets.US_ASCII));
        }
    }

    @Test
    public void activeConnectionsThatFailGet425() throws Exception {
        try (ProtoControl c = alice("127.0.0.1")) {
            int closed;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                closed = s.getLocalPort();
            }
            c.expect("PORT " + ProtoData.portArgument(InetAddress.getByName("127.0.0.1"), closed), 200);
            c.expect("RETR file.txt", 425, "Unable to build data connection: Connection refused");
            // without PORT or PASV the server connects to the client's control address and port (RFC 959)
            c.expect("RETR file.txt", 425, "Unable to build data connection: Connection refused");
            assertEquals(CONTENT, new String(c.retrieve(Mode.PORT, "RETR file.txt"), StandardCharsets.US_ASCII));
        }
    }

    @Test
    public void masqueradeAddressIsShownByPasvButNotByEpsv() throws Exception {
        try (ProtoControl c = ProtoControl.connectFrom("127.0.0.1", "127.0.0.2", port())) {
            assertReply("220 ProFTPD Server (masqueraded) [10.9.8.7]", c.greeting());
            c.login("alice", Provision.ALICE_PASSWORD);
            c.expect("TYPE I", 200, "Type set to I");
            Reply pasv = c.command("PASV");
            assertTrue(pasv.toString(), pasv.toString().matches(
                    "227 Entering Passive Mode \\(10,9,8,7,\\d{1,3},\\d{1,3}\\)\\."));
            // the listener itself is on the real address: a client that knows better can still use it
            int port = ProtoData.parse227(pasv).getPort();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.2", port), 10_000);
                s.setSoTimeout(ProtoControl.READ_TIMEOUT_MILLIS);
                c.writeLine("RETR file.txt");
                assertReply("150 Opening BINARY mode data connection for file.txt (" + CONTENT.length() + " bytes)",
                        c.read());
                assertEquals(CONTENT, new String(ProtoData.readAll(s.getInputStream()), StandardCharsets.US_ASCII));
                assertReply("226 Transfer complete", c.read());
            }
            Reply epsv = c.command("EPSV");
            assertTrue(epsv.toString(), epsv.toString().matches("229 Entering Extended Passive Mode \\(\\|\\|\\|\\d+\\|\\)"));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.2", ProtoData.parse229(epsv)), 10_000);
                s.setSoTimeout(ProtoControl.READ_TIMEOUT_MILLIS);
                c.writeLine("RETR file.txt");
                assertEquals(150, c.read().code());
                assertEquals(CONTENT, new String(ProtoData.readAll(s.getInputStream()), StandardCharsets.US_ASCII));
                assertReply("226 Transfer complete", c.read());
            }
        }
        try (ProtoControl c = alice(null)) {
            assertTrue("the main server does not masquerade", c.command("PASV").text().contains("(127,0,0,1,"));
        }
    }

    // ---------------------------------------------------------------- PORT / EPRT to foreign addresses

    @Test
    public void portAndEprtToAForeignAddressOrALowPortAreRefusedAndLogged() throws Exception {
        try (ProtoControl c = alice("127.0.0.1")) {
            c.expect("PORT 127,0,0,2,195,80", 500, "Illegal PORT command");
            c.expect("PORT 127,0,0,1,0,21", 500, "Illegal PORT command");
            c.expect("PORT 127,0,0,1,3,255", 500, "Illegal PORT command");
            c.expect("EPRT |1|127.0.0.2|50000|", 500, "Illegal EPRT command");
            c.expect("EPRT |1|127.0.0.1|1023|", 500, "Illegal EPRT command");
            c.expect("PORT 127,0,0,1,4,0", 200, "PORT command successful");
            c.expect("PORT 1,2,3", 501, "Illegal PORT command");
            c.expect("PORT 127,0,0,1,300,1", 501, "Illegal PORT command");
            c.expect("PORT 0,0,0,0,4,0", 501, "Illegal PORT command");
            c.expect("PORT", 501, "Invalid number of parameters");
            c.expect("EPRT |3|::1|5000|", 522, "Network protocol not supported, use (1,2)");
            c.expect("EPRT |1|127.0.0.x|5000|", 501, "Illegal EPRT command");
            c.expect("NOOP", 200);
        }
        String log = systemLog();
        assertTrue(log, log.contains("Refused PORT 127,0,0,2,195,80 (address mismatch)"));
        assertTrue(log, log.contains("Refused PORT 127,0,0,1,0,21 (port 21 below 1024, possible bounce attack)"));
        assertTrue(log, log.contains("Refused PORT 127,0,0,1,3,255 (port 1023 below 1024, possible bounce attack)"));
        assertTrue(log, log.contains("Refused EPRT |1|127.0.0.2|50000| (address mismatch)"));
        assertTrue(log, log.contains("Refused EPRT |1|127.0.0.1|1023| (port 1023 below 1024, possible bounce attack)"));
        assertTrue(log, log.matches("(?s).*\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} \\S+ proftpd\\[\\d+\\] "
                + "modftpd test \\(\\S+\\[127\\.0\\.0\\.1\\]\\): Refused PORT 127,0,0,2,195,80 "
                + "\\(address mismatch\\)\n.*"));
    }

    @Test
    public void allowForeignAddressLetsItsClassSendDataElsewhere() throws Exception {
        try (ProtoControl c = alice("127.0.0.3");
                ServerSocket third = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            third.setSoTimeout(ProtoControl.READ_TIMEOUT_MILLIS);
            c.expect("PORT " + ProtoData.portArgument(third.getInetAddress(), third.getLocalPort()), 200,
                    "PORT command successful");
            c.writeLine("RETR file.txt");
            try (Socket s = third.accept()) {
                assertEquals("127.0.0.1", s.getInetAddress().getHostAddress());
                assertEquals(150, c.read().code());
                assertEquals(CONTENT, new String(ProtoData.readAll(s.getInputStream()), StandardCharsets.US_ASCII));
            }
            assertReply("226 Transfer complete", c.read());

            c.expect("EPRT |1|127.0.0.2|" + third.getLocalPort() + "|", 200, "EPRT command successful");
            c.writeLine("RETR file.txt");
            try (Socket s = third.accept()) {
                assertEquals(150, c.read().code());
                assertEquals(CONTENT, new String(ProtoData.readAll(s.getInputStream()), StandardCharsets.US_ASCII));
            }
            assertReply("226 Transfer complete", c.read());

            // a port below 1024 is refused even where foreign addresses are allowed
            c.expect("PORT 127,0,0,2,0,25", 500, "Illegal PORT command");
        }
    }

    // ---------------------------------------------------------------- EPSV ALL

    @Test
    public void epsvAllRefusesTheOtherDataCommands() throws Exception {
        try (ProtoControl c = alice(null)) {
            c.expect("EPSV ALL", 200, "EPSV ALL command successful");
            c.expect("PASV", 500, "Illegal PASV command, EPSV ALL in effect");
            c.expect("PORT 127,0,0,1,4,0", 500, "Illegal PORT command, EPSV ALL in effect");
            c.expect("EPRT |1|127.0.0.1|1100|", 500, "Illegal EPRT command, EPSV ALL in effect");
            assertEquals(CONTENT, new String(c.retrieve(Mode.EPSV, "RETR file.txt"), StandardCharsets.US_ASCII));
            c.expect("PASV", 500, "Illegal PASV command, EPSV ALL in effect");
            c.expect("EPSV foo", 501, "EPSV: unknown network protocol");
            c.expect("EPSV 3", 522, "Network protocol not supported, use (1,2)");
            assertEquals(229, c.command("EPSV 1").code());
        }
    }

    // ---------------------------------------------------------------- passive connection from elsewhere

    @Test
    public void passiveConnectionFromAForeignAddressIsRejected() throws Exception {
        try (ProtoControl c = alice("127.0.0.1")) {
            InetSocketAddress at = ProtoData.parse227(c.command("PASV"));
            c.writeLine("RETR file.txt");
            try (Socket thief = new Socket()) {
                thief.bind(new InetSocketAddress("127.0.0.2", 0));
                thief.connect(at, 10_000);
                thief.setSoTimeout(ProtoControl.READ_TIMEOUT_MILLIS);
                assertClosedWithoutData(thief.getInputStream());
            }
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress("127.0.0.1", 0));
                s.connect(at, 10_000);
                s.setSoTimeout(ProtoControl.READ_TIMEOUT_MILLIS);
                assertReply("150 Opening BINARY mode data connection for file.txt (" + CONTENT.length() + " bytes)",
                        c.read());
                assertEquals(CONTENT, new String(ProtoData.readAll(s.getInputStream()), StandardCharsets.US_ASCII));
            }
            assertReply("226 Transfer complete", c.read());
        }
        String log = systemLog();
        assertTrue(log, log.matches("(?s).*Passive connection from [^\n]*127\\.0\\.0\\.2[^\n]* rejected.*"));
    }

    private static void assertClosedWithoutData(InputStream in) throws IOException {
        try {
            int b = in.read();
            assertEquals("the foreign connection got data", -1, b);
        } catch (SocketTimeoutException e) {
            fail("the foreign data connection was left open");
        } catch (SocketException reset) {
            // reset by the server: rejected as well
        }
    }

    // ---------------------------------------------------------------- <Limit EPSV PASV>

    @Test
    public void limitOnPassiveCommandsLeavesActiveTransfersWorking() throws Exception {
        try (ProtoControl c = ProtoControl.connect(port())) {
            c.expect("USER anonymous", 331, "Anonymous login ok, send your complete email address as your password");
            c.expect("PASS tester@example.org", 230, "Anonymous access granted, restrictions apply");
            c.expect("TYPE I", 200, "Type set to I");
            c.expect("PASV", 501, "PASV: Operation not permitted");
            c.expect("EPSV", 501, "EPSV: Operation not permitted");
            assertEquals("hello, anonymous\n",
                    new String(c.retrieve(Mode.PORT, "RETR pub/hello.txt"), StandardCharsets.US_ASCII));
            assertEquals("hello, anonymous\n",
                    new String(c.retrieve(Mode.EPRT, "RETR pub/hello.txt"), StandardCharsets.US_ASCII));
        }
        // the limit belongs to the anonymous site only
        try (ProtoControl c = alice(null)) {
            assertEquals(227, c.command("PASV").code());
        }
    }
}

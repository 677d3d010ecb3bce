package org.modftpd.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.Test;
import org.modftpd.itest.support.ProtoControl;
import org.modftpd.itest.support.ProtoData;
import org.modftpd.itest.support.ProtoData.Mode;
import org.modftpd.itest.support.ProtoFiles;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.Reply;
import org.modftpd.itest.support.ServerTestSupport;

/**
 * The command reader under hostile input, on a raw control connection: Telnet sequences, over-long
 * lines, NUL and invalid UTF-8 bytes, other protocols, pipelining. After each, the server still
 * serves a new client.
 */
public class ReaderIT extends ServerTestSupport {

    private static final int IAC = 0xFF;
    private static final int WILL = 0xFB;
    private static final int WONT = 0xFC;
    private static final int DO = 0xFD;
    private static final int DONT = 0xFE;
    private static final int SB = 0xFA;
    private static final int SE = 0xF0;
    private static final int IP = 0xF4;
    private static final int DM = 0xF2;
    private static final long HUGE = 256L << 20;

    @Override
    protected String configuration(Provision.Env env) {
        ProtoFiles.write(env.home("alice").resolve("sub/small.txt"), "small\n".getBytes(StandardCharsets.US_ASCII));
        try (RandomAccessFile f = new RandomAccessFile(env.home("alice").resolve("huge.bin").toFile(), "rw")) {
            f.setLength(HUGE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "DefaultRoot ~\n";
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

    /** A fresh client logs in and works: whatever the previous client did, the server keeps serving. */
    private void assertServerStillServes() throws IOException {
        try (ProtoControl c = alice()) {
            c.expect("PWD", 257, "\"/\" is the current directory");
            c.expect("TYPE I", 200);
            assertEquals("small\n", new String(c.retrieve(Mode.PASV, "RETR sub/small.txt"), StandardCharsets.US_ASCII));
        }
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof Integer b) {
                out.write(b);
            } else {
                out.writeBytes(((String) p).getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return out.toByteArray();
    }

    private static void assertReply(String expected, Reply actual) {
        assertEquals(expected, actual.code() + " " + actual.text());
    }

    // ---------------------------------------------------------------- Telnet

    @Test
    public void telnetSequencesAreRemovedFromCommands() throws Exception {
        try (ProtoControl c = alice()) {
            c.write(bytes(IAC, WILL, 1, "NO", IAC, DO, 3, "OP", IAC, IP, "\r\n"));
            // every option is refused, as ProFTPD does: DONT for WILL/WONT, WONT for DO/DONT
            assertArrayEquals(bytes(IAC, DONT, 1, IAC, WONT, 3), c.readBytes(6));
            assertReply("200 NOOP command successful", c.read());
            c.write(bytes(IAC, WONT, 24, IAC, DONT, 31, "NOOP\r\n"));
            assertArrayEquals(bytes(IAC, DONT, 24, IAC, WONT, 31), c.readBytes(6));
            assertReply("200 NOOP command successful", c.read());
            c.write(bytes(IAC, SB, 24, 0, "xterm", IAC, SE, "CWD s", IAC, DM, "ub\r\n"));
            assertReply("250 CWD command successful", c.read());
            c.write(bytes("P", IAC, SB, 31, 0, 80, IAC, IAC, 24, IAC, SE, "WD\r\n"));
            assertReply("257 \"/sub\" is the current directory", c.read());
            // IAC IAC is a literal 0xFF byte (not UTF-8, so it reads as U+FFFD)
            c.write(bytes("CWD a", IAC, IAC, "b\r\n"));
            assertReply("550 a\uFFFDb: No such file or directory", c.read());
            c.expect("NOOP", 200, "NOOP command successful");
        }
        assertServerStillServes();
    }

    @Test
    public void interruptProcessAndDataMarkBeforeAbor() throws Exception {
        try (ProtoControl c = alice()) {
            c.write(bytes(IAC, IP, IAC, DM, "ABOR\r\n"));
            assertReply("226 Abort successful", c.read());
            c.expect("TYPE I", 200);
            try (ProtoData d = c.data(Mode.PASV)) {
                c.writeLine("RETR huge.bin");
                assertReply("150 Opening BINARY mode data connection for huge.bin (" + HUGE + " bytes)", c.read());
                assertEquals(4096, d.socket().getInputStream().readNBytes(4096).length);
                c.write(bytes(IAC, IP, IAC, DM, "ABOR\r\n"));
                assertReply("426 Transfer aborted. Data connection closed.", c.read());
                assertReply("226 Abort successful", c.read());
            }
            c.expect("NOOP", 200, "NOOP command successful");
            assertEquals("small\n", new String(c.retrieve(Mode.PASV, "RETR sub/small.txt"), StandardCharsets.US_ASCII));
        }
        assertServerStillServes();
    }

    // ---------------------------------------------------------------- line length

    @Test
    public void overLongLinesAreRefusedWholeAndNeverSplit() throws Exception {
        try (ProtoControl c = alice()) {
            // CommandBufferSize 4103: 4100 bytes of command plus CRLF (and ProFTPD's NUL) fit
            c.expect("NOOP " + "x".repeat(4095), 200, "NOOP command successful");
            c.expect("NOOP " + "x".repeat(4096), 500, "Command line too long");
            c.expect("SYST", 215, "UNIX Type: L8");
            // a 5000-byte line whose tail would look like a command if it were split
            c.write(("NOOP " + "y".repeat(4100) + "DELE sub/small.txt\r\n").getBytes(StandardCharsets.US_ASCII));
            assertReply("500 Command line too long", c.read());
            c.expect("NOOP", 200, "NOOP command successful");
            assertTrue(Files.exists(home("alice").resolve("sub/small.txt")));
            // two in a row, then a normal command: the count starts again
            for (int i = 0; i < 2; i++) {
                c.writeLine("x".repeat(5000));
                assertReply("500 Command line too long", c.read());
            }
            c.expect("NOOP", 200);
            for (int i = 0; i < 2; i++) {
                c.writeLine("x".repeat(5000));
                assertReply("500 Command line too long", c.read());
            }
            c.expect("PWD", 257, "\"/\" is the current directory");
        }
        assertServerStillServes();
    }

    @Test
    public void threeOverLongLinesInARowEndTheSession() throws Exception {
        try (ProtoControl c = alice()) {
            StringBuilder three = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                three.append("z".repeat(5000)).append("\r\n");
            }
            c.write(three.toString().getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 3; i++) {
                assertReply("500 Command line too long", c.read());
            }
            c.writeLine("NOOP");
            assertArrayEquals("no reply after the third over-long line", new byte[0], c.awaitClose());
        }
        assertServerStillServes();
    }

    // ---------------------------------------------------------------- NUL, encodings

    @Test
    public void aNulByteEndsTheCommand() throws Exception {
        try (ProtoControl c = ProtoControl.connect(port())) {
            c.write(bytes("USER alice", 0, "bob\r\n"));
            assertReply("331 Password required for alice", c.read());
            c.expect("PASS " + Provision.ALICE_PASSWORD, 230, "User alice logged in");
            c.write(bytes("NOOP", 0, "garbage\r\n"));
            assertReply("200 NOOP command successful", c.read());
            c.write(bytes("CWD sub", 0, "/../../..\r\n"));
            assertReply("250 CWD command successful", c.read());
            c.expect("PWD", 257, "\"/sub\" is the current directory");
            c.write(bytes(0, "NOOP\r\n"));
            assertReply("500 Invalid command: try being more creative", c.read());
            c.expect("NOOP", 200);
        }
        assertServerStillServes();
    }

    @Test
    public void bytesThatAreNotUtf8DoNotStopTheServer() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("TYPE I", 200);
            c.write(bytes("SIZE ", 0xFE, 0xC0, ".txt\r\n"));
            assertReply("550 \uFFFD\uFFFD.txt: No such file or directory", c.read());
            c.write(bytes("CWD ", 0xC3, "(\r\n"));
            assertReply("550 \uFFFD(: No such file or directory", c.read());
            c.write(bytes("NO", 0x80, "OP\r\n"));
            assertReply("500 NO\uFFFDOP not understood", c.read());
            c.expect("MKD caf\u00e9", 257, "\"/caf\u00e9\" - Directory successfully created");
            assertTrue(Files.isDirectory(home("alice").resolve("caf\u00e9")));
            c.expect("CWD caf\u00e9", 250);
            c.expect("PWD", 257, "\"/caf\u00e9\" is the current directory");
            c.expect("NOOP", 200);
        }
        assertServerStillServes();
    }

    // ---------------------------------------------------------------- other protocols, pipelining

    @Test
    public void httpAndSmtpClientsAreDisconnected() throws Exception {
        try (ProtoControl c = ProtoControl.connect(port())) {
            c.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("no reply to an HTTP request", new byte[0], c.awaitClose());
        }
        try (ProtoControl c = ProtoControl.connect(port())) {
            c.write("POST /x HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals(new byte[0], c.awaitClose());
        }
        try (ProtoControl c = ProtoControl.connect(port())) {
            c.write("EHLO mail.example\r\n".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals(new byte[0], c.awaitClose());
        }
        String log = Files.readString(dir().resolve("system.log"));
        assertTrue(log, log.contains("client sent HTTP command 'GET', disconnecting"));
        assertTrue(log, log.contains("client sent SMTP command 'EHLO', disconnecting"));
        assertServerStillServes();
    }

    @Test
    public void pipelinedCommandsAreAnsweredInOrder() throws Exception {
        try (ProtoControl c = ProtoControl.connect(port())) {
            c.write(("USER alice\r\nPASS " + Provision.ALICE_PASSWORD + "\r\nPWD\r\nCWD sub\r\nPWD\r\nFOO\r\nSYST\r\n"
                    + "TYPE I\r\nSIZE small.txt\r\nNOOP\n").getBytes(StandardCharsets.US_ASCII));
            assertReply("331 Password required for alice", c.read());
            assertReply("230 User alice logged in", c.read());
            assertReply("257 \"/\" is the current directory", c.read());
            assertReply("250 CWD command successful", c.read());
            assertReply("257 \"/sub\" is the current directory", c.read());
            assertReply("500 FOO not understood", c.read());
            assertReply("215 UNIX Type: L8", c.read());
            assertReply("200 Type set to I", c.read());
            assertReply("213 6", c.read());
            assertReply("200 NOOP command successful", c.read());

            // a transfer and the commands behind it in one packet: they wait for the transfer
            try (ProtoData d = c.data(Mode.PASV)) {
                c.write("RETR small.txt\r\nPWD\r\nNOOP\r\n".getBytes(StandardCharsets.US_ASCII));
                assertReply("150 Opening BINARY mode data connection for small.txt (6 bytes)", c.read());
                assertEquals("small\n", new String(ProtoData.readAll(d.socket().getInputStream()), StandardCharsets.US_ASCII));
                assertReply("226 Transfer complete", c.read());
                assertReply("257 \"/sub\" is the current directory", c.read());
                Reply noop = c.read();
                assertEquals(200, noop.code());
            }
            c.expect("QUIT", 221, "Goodbye.");
        }
        assertServerStillServes();
    }
}

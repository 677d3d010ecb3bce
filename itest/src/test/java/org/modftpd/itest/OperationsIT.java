package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Predicate;
import org.apache.commons.net.ftp.FTPConnectionClosedException;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;
import org.osgi.framework.ServiceReference;

/**
 * What an operator does every day: ftpshut's message file (refuse new connections with 500, send
 * sessions away with 421, per virtual host), and the ftpwho/ftpcount/kick/reload/module commands in
 * the Gogo shell and over the control socket.
 */
public class OperationsIT extends ServerTestSupport {

    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy",
            Locale.ENGLISH);

    @Override
    protected String configuration(Provision.Env env) {
        String auth = "  AuthOrder mod_auth_file.c\n  AuthUserFile " + env.dir().resolve("etc/passwd") + "\n"
                + "  AuthGroupFile " + env.dir().resolve("etc/group") + "\n";
        return "ShutdownMessageFile " + env.dir().resolve("shutmsg") + "\n"
                + "ControlsSocket " + env.dir().resolve("ctl.sock") + "\n"
                + "<VirtualHost 127.0.0.2>\n  ServerName alpha\n  Port " + env.port() + "\n" + auth
                + "  ShutdownMessageFile " + env.dir().resolve("shutmsg.alpha") + "\n</VirtualHost>\n";
    }

    @After
    public void removeShutdownFiles() throws Exception {
        Files.deleteIfExists(dir().resolve("shutmsg"));
        Files.deleteIfExists(dir().resolve("shutmsg.alpha"));
    }

    /** The two lines exactly as ProFTPD's ftpshut writes them. */
    private static String shutmsg(LocalDateTime shutdown, String deny, String disconnect, String message) {
        return String.format(Locale.ROOT, "%d %d %d %d %d %d %s %s\n%s\n", shutdown.getYear(),
                shutdown.getMonthValue(), shutdown.getDayOfMonth(), shutdown.getHour(), shutdown.getMinute(),
                shutdown.getSecond(), deny, disconnect, message);
    }

    @Test
    public void shutdownFileRefusesNewConnectionsThenSendsSessionsAway() throws Exception {
        try (Ftp before = login("alice", Provision.ALICE_PASSWORD)) {
            LocalDateTime shutdown = LocalDateTime.now().withNano(0).plusMinutes(20);
            String expanded = "maintenance until " + CTIME.format(shutdown.atZone(ZoneId.systemDefault()))
                    + " on modftpd test";
            Path file = dir().resolve("shutmsg");
            Files.writeString(file, shutmsg(shutdown, "0030", "0000", "maintenance until %s on %V"));

            try (Ftp refused = connect()) {
                assertEquals(500, refused.greeting().code());
                assertEquals("FTP server shut down (" + expanded + ") -- please try again later",
                        refused.greeting().text());
            }
            String log = Files.readString(dir().resolve("system.log"));
            assertTrue(log, log.lines().anyMatch(l -> l.contains("connection refused (" + expanded + ") from ")
                    && l.endsWith(" [127.0.0.1]")));
            before.expect(200, "NOOP");

            Files.writeString(file, shutmsg(shutdown, "0030", "0030", "maintenance until %s on %V"));
            assertEquals("421 FTP server shutting down - " + expanded, unsolicited(before));

            Files.delete(file);
            try (Ftp again = connect()) {
                assertEquals(220, again.greeting().code());
                again.login("bob", Provision.BOB_PASSWORD);
            }
        }
    }

    @Test
    public void oneVirtualHostShutsDownWhileTheOthersServe() throws Exception {
        try (Ftp main = login("alice", Provision.ALICE_PASSWORD);
                Ftp alpha = Ftp.connect("127.0.0.2", port()).login("bob", Provision.BOB_PASSWORD)) {
            LocalDateTime now = LocalDateTime.now().withNano(0);
            Files.writeString(dir().resolve("shutmsg.alpha"), shutmsg(now, "0000", "0000", "alpha is moving"));
            assertEquals("421 FTP server shutting down - alpha is moving", unsolicited(alpha));
            try (Ftp refused = Ftp.connect("127.0.0.2", port())) {
                assertEquals("FTP server shut down (alpha is moving) -- please try again later",
                        refused.greeting().text());
            }
            main.expect(200, "NOOP");
            try (Ftp other = connect()) {
                assertEquals(220, other.greeting().code());
            }
        }
    }

    /** Waits (up to the client's 30 s read timeout) for a reply the server sends on its own. */
    private static String unsolicited(Ftp ftp) throws Exception {
        try {
            ftp.client().getReply();
        } catch (FTPConnectionClosedException expected) {
            // commons-net reports a 421 as a closed connection; the reply text is kept
        }
        return ftp.client().getReplyString().strip();
    }

    private String gogo(String command) throws Exception {
        return gogo(command, OutputStream.nullOutputStream());
    }

    /**
     * Runs a Gogo command and returns what it printed and answered. The server's log lines
     * (slf4j-simple writes to System.err) reach the session's error stream, {@code log}, while the
     * command runs, as they reach the console in the shell.
     */
    private String gogo(String command, OutputStream log) throws Exception {
        ServiceReference<CommandProcessor> ref = context.getServiceReference(CommandProcessor.class);
        CommandProcessor processor = context.getService(ref);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream err = new PrintStream(log, true, StandardCharsets.UTF_8);
                CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), ps, err)) {
            Object result = session.execute(command);
            ps.flush();
            return out.toString(StandardCharsets.UTF_8) + (result == null ? "" : result.toString());
        } finally {
            context.ungetService(ref);
        }
    }

    private String control(String line) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dir().resolve("ctl.sock")));
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (ch.read(buf) >= 0) {
                answer.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private String awaitControl(String line, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        String answer = control(line);
        while (!condition.test(answer) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            answer = control(line);
        }
        return answer;
    }

    @Test
    public void whoCountAndKickInGogo() throws Exception {
        try (Ftp alice = login("alice", Provision.ALICE_PASSWORD);
                Ftp bob = login("bob", Provision.BOB_PASSWORD);
                Ftp alpha = Ftp.connect("127.0.0.2", port())) {
            alice.expect(257, "PWD");
            String who = gogo("modftpd:who");
            assertTrue(who, who.lines().anyMatch(l -> l.contains("alice") && l.contains("127.0.0.1")
                    && l.contains("modftpd test") && l.contains("idle (last: PWD)")));
            assertTrue(who, who.lines().anyMatch(l -> l.contains("bob")));
            assertTrue(who, who.lines().anyMatch(l -> l.contains("(none)") && l.contains("alpha")));

            String count = gogo("modftpd:count");
            assertTrue(count, count.contains("modftpd test (127.0.0.1:" + port() + ") - 2 users"));
            assertTrue(count, count.contains("alpha (127.0.0.2:" + port() + ") - 1 user"));
            assertTrue(count, count.contains("total - 3 sessions, 2 logged in"));

            ByteArrayOutputStream log = new ByteArrayOutputStream();
            assertEquals("kicked 1 session", gogo("modftpd:kick user bob", log).strip());
            // the server's log works inside the test framework too (slf4j bound to its provider)
            assertTrue(log.toString(StandardCharsets.UTF_8), log.toString(StandardCharsets.UTF_8).lines().anyMatch(l ->
                    l.contains("INFO modftpd - ") && l.contains("disconnected by the administrator (kick user bob)")));
            assertEquals("421 Disconnected by the administrator", unsolicited(bob));
            alice.expect(200, "NOOP");
            assertEquals("kicked 0 sessions", gogo("modftpd:kick user nobody").strip());
        }
    }

    @Test
    public void modulesAreListedDisabledAndEnabledFromGogo() throws Exception {
        String modules = gogo("modftpd:modules");
        assertTrue(modules, modules.lines().anyMatch(l -> l.startsWith("mod_auth_file.c")
                && l.contains("org.modftpd.mod_auth_file") && l.contains("enabled") && l.contains("AuthUserFile")));
        assertTrue(modules, modules.lines().anyMatch(l -> l.startsWith("mod_core.c") && l.contains("ServerName")));
        assertTrue(gogo("modftpd:disable mod_core.c").contains("part of the core bundle"));

        assertTrue(gogo("modftpd:disable mod_auth_file.c").contains("mod_auth_file.c disabled"));
        awaitModules("without mod_auth_file.c", m -> !m.contains("mod_auth_file.c"));
        assertTrue(gogo("modftpd:modules").lines().anyMatch(l -> l.startsWith("mod_auth_file.c")
                && l.contains("disabled")));
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER alice");
            ftp.expect(530, "PASS " + Provision.ALICE_PASSWORD);
        }
        assertTrue(gogo("modftpd:enable mod_auth_file.c").contains("mod_auth_file.c enabled"));
        awaitModules("with mod_auth_file.c", m -> m.contains("mod_auth_file.c"));
        login("alice", Provision.ALICE_PASSWORD).close();
    }

    @Test
    public void reloadFromGogoRefusesABadFileWithItsLine() throws Exception {
        Path conf = dir().resolve("proftpd.conf");
        String good = Files.readString(conf);
        long before = generation();
        try {
            Files.writeString(conf, good + "TimeoutIdle soon\n");
            String answer = gogo("modftpd:reload");
            int line = (int) good.lines().count() + 1;
            assertTrue(answer, answer.startsWith("reload refused"));
            assertTrue(answer, answer.contains(conf + ":" + line));
            assertEquals(before, generation());
            login("alice", Provision.ALICE_PASSWORD).close();
        } finally {
            Files.writeString(conf, good);
        }
        assertTrue(gogo("modftpd:reload").startsWith("configuration reloaded"));
        assertTrue(generation() > before);
    }

    @Test
    public void theControlSocketShowsTransferProgressAndKicksBySession() throws Exception {
        Path big = home("alice").resolve("big.bin");
        byte[] chunk = new byte[1024 * 1024];
        try (var out = Files.newOutputStream(big)) {
            for (int i = 0; i < 64; i++) {
                out.write(chunk);
            }
        }
        try (Ftp alice = login("alice", Provision.ALICE_PASSWORD).binary().passive()) {
            InputStream data = alice.client().retrieveFileStream("big.bin");
            String who = awaitControl("who\n", w -> w.contains("RETR"));
            String line = who.lines().filter(l -> l.contains("RETR")).findFirst().orElseThrow(() -> new AssertionError(who));
            assertTrue(line, line.matches(".*alice .*RETR \\S*/big\\.bin  \\d+/67108864 bytes \\(\\d+%\\)  [0-9.]+ [KM]iB/s"));
            String id = line.split("\\s+")[0];
            assertEquals("kicked 1 session", control("kick session " + id + "\n").strip());
            data.readAllBytes();
            data.close();
        }
        String tooLong = control("x".repeat(5000));
        assertTrue(tooLong, tooLong.startsWith("request too long"));
        String unknown = control("frobnicate\n");
        assertTrue(unknown, unknown.startsWith("unknown action 'frobnicate'"));
        assertFalse(control("count\n").isEmpty());
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD)) {
            ftp.expect(200, "NOOP");
        }
    }
}

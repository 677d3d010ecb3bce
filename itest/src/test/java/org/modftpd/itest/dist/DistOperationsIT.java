package org.modftpd.itest.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

/**
 * The operator's command-line tools of the distribution against a running server: ftpshut (the file
 * byte for byte as ProFTPD's ftpshut writes it, honoured with 500 and 421), ftpwho, ftpcount,
 * ftpdctl, and the zero-downtime takeover of the listening ports by a new server process.
 */
public class DistOperationsIT extends DistTestSupport {

    private Tools.Output tool(String name, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(dist.path("bin/" + name).toString());
        command.addAll(List.of(args));
        return Tools.exec(dist.scratch(), command);
    }

    private static ControlSession login(int port) throws IOException {
        ControlSession s = ControlSession.connect(port);
        s.expect("331", "USER ftpuser");
        s.expect("230", "PASS ftpuser");
        return s;
    }

    @Test
    public void ftpshutFtpwhoFtpcountAndFtpdctl() throws Exception {
        int port = DistHome.freePort();
        Path shutmsg = dist.scratch().resolve("shutmsg");
        Path conf = dist.writeConfig("ops.conf", DistHome.loopbackConfig(port, "ops",
                "ShutdownMessageFile \"" + shutmsg + "\""));
        ServerProcess server = dist.start("-n", "-c", conf.toString());
        server.awaitListening();

        try (ControlSession alice = login(port)) {
            alice.expect("257", "PWD");
            Tools.Output who = tool("ftpwho");
            assertEquals(who.toString(), 0, who.exitCode());
            assertTrue(who.toString(), who.stdout().lines().anyMatch(l -> l.contains("ftpuser")
                    && l.contains("127.0.0.1") && l.contains("ops (127.0.0.1:" + port + ")")
                    && l.contains("idle (last: PWD)")));
            Tools.Output count = tool("ftpcount");
            assertTrue(count.toString(), count.stdout().contains("ops (127.0.0.1:" + port + ") - 1 user\n"));

            Tools.Output shut = tool("ftpshut", "-f", shutmsg.toString(), "-l", "30", "-d", "0", "+20",
                    "back", "at", "%s");
            assertEquals(shut.toString(), 0, shut.exitCode());
            String written = Files.readString(shutmsg);
            assertTrue(written, written.matches("\\d{4} \\d{1,2} \\d{1,2} \\d{1,2} \\d{1,2} \\d{1,2} 0030 0000\nback at %s\n"));
            try (ControlSession refused = ControlSession.connect(port)) {
                assertTrue(refused.greeting(), refused.greeting().matches(
                        "500 FTP server shut down \\(back at \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\)"
                                + " -- please try again later"));
                assertEquals(null, refused.readLine());
            }
            alice.expect("200", "NOOP");

            assertEquals(0, tool("ftpshut", "-f", shutmsg.toString(), "now", "bye", "now").exitCode());
            assertEquals("421 FTP server shutting down - bye now", alice.reply());

            Tools.Output atTime = tool("ftpshut", "-f", shutmsg.toString(), "-l", "90", "2359", "late");
            assertEquals(atTime.toString(), 0, atTime.exitCode());
            assertTrue(Files.readString(shutmsg), Files.readString(shutmsg)
                    .matches("\\d{4} \\d{1,2} \\d{1,2} 23 59 0 0130 0005\nlate\n"));

            Tools.Output removed = tool("ftpshut", "-f", shutmsg.toString(), "-R");
            assertEquals(removed.toString(), 0, removed.exitCode());
            assertTrue(Files.notExists(shutmsg));
        }
        try (ControlSession again = login(port)) {
            Tools.Output kick = tool("ftpdctl", "kick", "user", "ftpuser");
            assertEquals(kick.toString(), "kicked 1 session\n", kick.stdout());
            assertEquals("421 Disconnected by the administrator", again.reply());
        }
        try (ControlSession fromLoopback = login(port)) {
            Tools.Output none = tool("ftpdctl", "kick", "host", "192.0.2.1");
            assertEquals(none.toString(), "kicked 0 sessions\n", none.stdout());
            fromLoopback.expect("200", "NOOP");
            Tools.Output kick = tool("ftpdctl", "kick", "host", "127.0.0.1");
            assertEquals(kick.toString(), "kicked 1 session\n", kick.stdout());
            assertEquals("421 Disconnected by the administrator", fromLoopback.reply());
        }
        Tools.Output unknown = tool("ftpdctl", "frobnicate");
        assertTrue(unknown.toString(), unknown.stdout().startsWith("unknown action 'frobnicate'"));
        Tools.Output bad = tool("ftpshut", "-f", shutmsg.toString(), "2561");
        assertEquals(bad.toString(), 1, bad.exitCode());
        assertTrue(bad.toString(), bad.stderr().contains("bad time '2561'"));
        Tools.Output noServer = tool("ftpwho", "-s", dist.scratch().resolve("nowhere.sock").toString());
        assertEquals(noServer.toString(), 1, noServer.exitCode());
        assertTrue(noServer.toString(), noServer.stderr().contains("unable to reach the server"));
    }

    @Test
    public void theGogoShellOnTheTerminalWithDashDashShell() throws Exception {
        int port = DistHome.freePort();
        Path conf = dist.writeConfig("shell.conf", DistHome.loopbackConfig(port, "shell"));
        ServerProcess server = dist.startWithInput("-n", "--shell", "-c", conf.toString());
        server.awaitListening();
        try (ControlSession alice = login(port)) {
            int from = server.mark();
            server.type("modftpd:count");
            server.awaitLine(from, "shell (127.0.0.1:" + port + ") - 1 user", DistHome.START_LIMIT);
            from = server.mark();
            server.type("modftpd:kick user ftpuser");
            server.awaitLine(from, "kicked 1 session", DistHome.START_LIMIT);
            assertEquals("421 Disconnected by the administrator", alice.reply());
        }
        int from = server.mark();
        server.type("modftpd:disable mod_ifsession.c");
        server.awaitLine(from, "mod_ifsession.c disabled", DistHome.START_LIMIT);
        from = server.mark();
        server.type("modftpd:modules");
        server.awaitLine(from, l -> l.contains("mod_ifsession.c") && l.contains("org.modftpd.mod_ifsession")
                && l.contains("disabled"), DistHome.START_LIMIT, "mod_ifsession.c listed as disabled");
        from = server.mark();
        server.type("modftpd:enable mod_ifsession.c");
        server.awaitLine(from, "mod_ifsession.c enabled", DistHome.START_LIMIT);
        from = server.mark();
        server.type("modftpd:reload");
        server.awaitLine(from, "configuration reloaded", DistHome.START_LIMIT);
        try (ControlSession again = login(port)) {
            again.expect("257", "PWD");
        }
        // the end of the terminal's input ends the shell, and with it the server
        server.closeInput();
        assertEquals(server.output(), 0, server.awaitExit(DistHome.STOP_LIMIT));
    }

    @Test
    public void aNewServerTakesThePortsOverWithoutRefusingOrCuttingAnyone() throws Exception {
        int port = DistHome.freePort();
        Path first = dist.writeConfig("first.conf", DistHome.loopbackConfig(port, "first"));
        Path second = dist.writeConfig("second.conf", DistHome.loopbackConfig(port, "second"));
        ServerProcess old = dist.start("-n", "-c", first.toString());
        old.awaitListening();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger bySecond = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Served served = new Served(failures);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        Thread connector = Thread.ofPlatform().name("connector").start(() -> {
            for (int i = 0; i < 20_000 && !stop.get() && System.nanoTime() < deadline; i++) {
                try (ControlSession s = ControlSession.connect(port)) {
                    String greeting = s.greeting();
                    if (greeting == null || !greeting.startsWith("220 ")) {
                        failures.add("connection " + i + ": " + greeting);
                    } else if (greeting.contains("(second)")) {
                        bySecond.incrementAndGet();
                    }
                    s.expect("221", "QUIT");
                    served.increment();
                } catch (IOException | AssertionError e) {
                    failures.add("connection " + i + ": " + e);
                }
            }
        });
        try (ControlSession during = login(port)) {
            byte[] before = "written before the takeover\n".getBytes();
            Files.write(dist.path("srv/home/ftpuser/before.txt"), before);
            awaitServed(served, 20);

            ServerProcess next = dist.start("-n", "--takeover", "-c", second.toString());
            next.awaitLine(" listening on ", Duration.ofSeconds(90));
            old.awaitLine("taken over: no longer accepting connections; ", Duration.ofSeconds(30));
            int mark = served.get();
            awaitServed(served, mark + 50);
            assertTrue("the new server answers after the takeover", bySecond.get() > 0);

            during.expect("200", "NOOP");
            during.expect("250", "CWD /");
            during.expect("200", "TYPE I");
            during.expect("213", "SIZE before.txt");
            during.expect("221", "QUIT");
            assertEquals("the old server exits once its last session has ended", 0,
                    old.awaitExit(DistHome.STOP_LIMIT));
            awaitServed(served, served.get() + 20);
            stop.set(true);
            connector.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(String.join("\n", failures), failures.isEmpty());

            Tools.Output who = tool("ftpwho");
            assertEquals(who.toString(), 0, who.exitCode());
            assertTrue(who.toString(), who.stdout().contains("modftpd "));
            assertTrue(next.isAlive());
        } finally {
            stop.set(true);
            connector.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private static void awaitServed(Served served, int atLeast) throws InterruptedException {
        served.await(atLeast, TimeUnit.SECONDS.toNanos(30));
    }

    /** Connections served so far; waiting for a count blocks until the connector reaches it. */
    private static final class Served {
        private final java.util.Collection<String> failures;
        private int count;

        Served(java.util.Collection<String> failures) {
            this.failures = failures;
        }

        synchronized void increment() {
            count++;
            notifyAll();
        }

        synchronized int get() {
            return count;
        }

        synchronized void await(int atLeast, long limitNanos) throws InterruptedException {
            long deadline = System.nanoTime() + limitNanos;
            long left;
            while (count < atLeast) {
                if ((left = deadline - System.nanoTime()) <= 0) {
                    throw new AssertionError("only " + count + " connections served, waiting for " + atLeast
                            + "; failures so far: " + failures);
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}

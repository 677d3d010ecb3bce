package org.modftpd.itest.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;

/**
 * {@code bin/modftpd} without {@code -n}: it returns once the server listens, the server runs in its
 * own session with its pid in {@code var/run/modftpd.pid} and its console in
 * {@code var/log/modftpd.out}, answers SIGHUP, SIGTERM and SIGINT, and a start that fails is reported
 * with the server's status.
 */
public class DistDetachedIT extends DistTestSupport {

    private static final Pattern STARTED = Pattern.compile("modftpd started \\(pid (\\d+)\\); console log: (.*)\n");

    private static final Pattern STOPPED = Pattern.compile("(?s).*\\[INFO\\] modftpd - modftpd \\S+ stopped\n");

    private final List<Long> detached = new ArrayList<>();

    /** Stops the detached servers this test started, by their PID only (the copy is removed after). */
    @After
    public void stopDetached() throws Exception {
        for (long pid : detached) {
            Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(this::ours);
            if (p.isPresent()) {
                p.get().destroy();
                try {
                    p.get().onExit().get(DistHome.STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    p.get().destroyForcibly();
                }
            }
        }
    }

    /** Guards against a recycled PID: the process must be a JVM of this copy. */
    private boolean ours(ProcessHandle p) {
        return p.isAlive() && p.info().commandLine().map(c -> c.contains("-Dmodftpd.home=" + dist.home())).orElse(false);
    }

    private long startDetached(Path conf) throws Exception {
        DistHome.Result r = dist.run("-c", conf.toString());
        Matcher m = STARTED.matcher(r.stdout());
        assertTrue(r.toString(), m.matches());
        long pid = Long.parseLong(m.group(1));
        detached.add(pid);
        assertEquals(r.toString(), 0, r.exitCode());
        assertEquals(r.toString(), dist.path("var/log/modftpd.out").toString(), m.group(2));
        assertEquals(r.toString(), "", r.stderr());
        assertTrue("bin/modftpd returns promptly: " + r, r.took().compareTo(Duration.ofSeconds(15)) < 0);
        assertEquals(pid + "\n", Files.readString(dist.path("var/run/modftpd.pid")));
        ProcessHandle server = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("pid " + pid + " is not running"));
        assertTrue(ours(server));
        assertEquals("the server leads its own session (setsid)", pid, sessionOf(pid));
        return pid;
    }

    /** The session id of a process, from /proc/PID/stat (field 6, after the parenthesized name). */
    private static long sessionOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[3]);
    }

    private String out() throws IOException {
        return Files.readString(dist.path("var/log/modftpd.out"));
    }

    private static void signal(long pid, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertEquals("kill -" + name + " " + pid, 0, kill.exitValue());
    }

    private void awaitExit(long pid) throws Exception {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isPresent()) {
            try {
                p.get().onExit().get(DistHome.STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                fail("pid " + pid + " did not exit within " + DistHome.STOP_LIMIT.toSeconds() + "s; console:\n" + out());
            }
        }
    }

    @Test
    public void detachedServerAnswersReloadsAndStopsOnSigterm() throws Exception {
        int port = DistHome.freePort();
        Path conf = dist.writeConfig("detached.conf", DistHome.loopbackConfig(port, "detached"));

        long pid = startDetached(conf);

        assertTrue(out(), out().contains(" (" + conf + ") listening on [127.0.0.1:" + port + "]\n"));
        try (ControlSession s = ControlSession.connect(port)) {
            assertEquals("220 ProFTPD Server (detached) [127.0.0.1]", s.greeting());
            s.expect("331", "USER ftpuser");
            s.expect("230", "PASS ftpuser");
        }

        // SIGHUP reaches the detached server (it must not be ignored)
        Files.writeString(conf, DistHome.loopbackConfig(port, "detached, reloaded"));
        signal(pid, "HUP");
        DistHome.awaitFileContains(dist.path("var/log/modftpd.out"), "configuration reloaded from " + conf,
                DistHome.START_LIMIT);
        try (ControlSession s = ControlSession.connect(port)) {
            assertEquals("220 ProFTPD Server (detached, reloaded) [127.0.0.1]", s.greeting());
        }

        signal(pid, "TERM");
        awaitExit(pid);
        assertTrue(out(), STOPPED.matcher(out()).matches());
        assertFalse("the pid file is removed when the server stops", Files.exists(dist.path("var/run/modftpd.pid")));
        DistForegroundIT.assertRefused(port);
    }

    @Test
    public void detachedServerStopsOnSigint() throws Exception {
        int port = DistHome.freePort();
        Path conf = dist.writeConfig("detached.conf", DistHome.loopbackConfig(port, "interrupted"));

        long pid = startDetached(conf);
        signal(pid, "INT");
        awaitExit(pid);

        assertTrue(out(), STOPPED.matcher(out()).matches());
        assertFalse(Files.exists(dist.path("var/run/modftpd.pid")));
        DistForegroundIT.assertRefused(port);
    }

    @Test
    public void failedDetachedStartExitsWithTheServersStatus() throws Exception {
        int port = DistHome.freePort();
        Path conf = dist.writeConfig("bad.conf", DistHome.loopbackConfig(port, "bad", "Frobnicate on"));

        DistHome.Result r = dist.run("-c", conf.toString());

        assertEquals(r.toString(), 1, r.exitCode());
        assertEquals(r.toString(), "", r.stdout());
        assertTrue(r.toString(), r.stderr().contains("[ERROR] modftpd - " + conf
                + ":12: unknown configuration directive 'Frobnicate'\n"));
        assertTrue(r.toString(), r.stderr().endsWith("modftpd: the server did not start (exit status 1); console log: "
                + dist.path("var/log/modftpd.out") + "\n"));
        assertTrue(out(), out().contains(conf + ":12: unknown configuration directive 'Frobnicate'"));
        assertFalse(Files.exists(dist.path("var/run/modftpd.pid")));
        DistForegroundIT.assertRefused(port);
    }
}

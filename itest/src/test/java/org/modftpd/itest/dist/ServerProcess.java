package org.modftpd.itest.dist;

import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code bin/modftpd -n} process (the script execs java, so the process is the server's JVM) whose
 * console output (stdout and stderr together) is collected line by line, so tests can wait for a
 * line with a time limit instead of sleeping.
 */
final class ServerProcess {

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private ServerProcess(Process process) {
        this.process = process;
        this.reader = Thread.ofPlatform().daemon().name("modftpd-output-" + process.pid()).start(this::read);
    }

    static ServerProcess start(ProcessBuilder pb) throws IOException {
        pb.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return new ServerProcess(pb.start());
    }

    /** Like {@link #start(ProcessBuilder)}, with standard input kept open for {@link #type}. */
    static ServerProcess startWithInput(ProcessBuilder pb) throws IOException {
        pb.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
        return new ServerProcess(pb.start());
    }

    /** Writes a line to the server's standard input. */
    void type(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Closes the server's standard input (end of file). */
    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        } finally {
            synchronized (lines) {
                lines.add(null);
                lines.notifyAll();
            }
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Number of output lines so far (a position for {@link #awaitLine(int, Predicate, Duration)}). */
    int mark() {
        synchronized (lines) {
            return (int) lines.stream().filter(l -> l != null).count();
        }
    }

    /** Waits for the first output line containing {@code text}. */
    String awaitLine(String text, Duration limit) throws InterruptedException {
        return awaitLine(0, l -> l.contains(text), limit, "a line containing '" + text + "'");
    }

    /** Waits for an output line at or after {@code from} containing {@code text}. */
    String awaitLine(int from, String text, Duration limit) throws InterruptedException {
        return awaitLine(from, l -> l.contains(text), limit, "a line containing '" + text + "'");
    }

    String awaitLine(int from, Predicate<String> wanted, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (lines) {
            int i = from;
            while (true) {
                while (i < lines.size()) {
                    String l = lines.get(i++);
                    if (l == null) {
                        fail("the server's output ended (exit " + exitValueOrNone() + ") before " + what + ":\n" + output());
                    }
                    if (wanted.test(l)) {
                        return l;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("no " + what + " within " + limit.toSeconds() + "s; output so far:\n" + output());
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Waits for the "listening on" line and returns it. */
    String awaitListening() throws InterruptedException {
        return awaitLine(" listening on ", DistHome.START_LIMIT);
    }

    /** Everything printed so far. */
    String output() {
        synchronized (lines) {
            StringBuilder b = new StringBuilder();
            for (String l : lines) {
                if (l != null) {
                    b.append(l).append('\n');
                }
            }
            return b.toString();
        }
    }

    /** The output lines at and after {@code from} (a {@link #mark()}). */
    List<String> linesFrom(int from) {
        List<String> all = outputLines();
        return all.subList(Math.min(from, all.size()), all.size());
    }

    List<String> outputLines() {
        synchronized (lines) {
            return lines.stream().filter(l -> l != null).toList();
        }
    }

    private String exitValueOrNone() {
        try {
            return Integer.toString(process.exitValue());
        } catch (IllegalThreadStateException running) {
            return "none yet";
        }
    }

    /** Sends a signal to this process (and only this one) with kill(1). */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            kill.destroyForcibly();
            fail("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /**
     * SIGTERM, then waits (bounded) for the exit status; fails if the process does not exit. The
     * signal goes through {@link ProcessHandle#destroy()}: {@link Process#destroy()} would also close
     * our end of the output pipe, so what the server prints while stopping would be lost.
     */
    int terminate() throws InterruptedException {
        process.toHandle().destroy();
        return awaitExit(DistHome.STOP_LIMIT);
    }

    int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            fail("the server did not exit within " + limit.toSeconds() + "s; output:\n" + output());
        }
        reader.join(limit.toMillis());
        return process.exitValue();
    }

    /** For cleanup: SIGTERM, bounded wait, then SIGKILL; never throws. */
    void stopQuietly() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(DistHome.STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(DistHome.STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

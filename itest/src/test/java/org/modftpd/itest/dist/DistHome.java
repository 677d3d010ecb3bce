package org.modftpd.itest.dist;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A private copy of the distribution (system property {@code modftpd.dist}) in a fresh temporary
 * folder, so a test can edit {@code etc/} and start {@code bin/modftpd} without disturbing others.
 * Files the script generates on first start ({@code etc/ftpd.passwd}, {@code etc/ftpd.group}) and
 * runtime state ({@code var/run}, {@code var/felix-cache}, logs) are not copied, so every copy is
 * a fresh installation. {@link #close()} stops every process this copy started, then deletes it.
 */
final class DistHome implements AutoCloseable {

    /** How long a server may take to listen. Startup is about two seconds here. */
    static final Duration START_LIMIT = Duration.ofSeconds(60);
    /** How long a stopping server may take to exit. */
    static final Duration STOP_LIMIT = Duration.ofSeconds(20);
    /** How long a command that is expected to end by itself may run. */
    static final Duration RUN_LIMIT = Duration.ofSeconds(60);

    private static final Set<String> GENERATED = Set.of("etc/ftpd.passwd", "etc/ftpd.group", "var/run",
            "var/felix-cache", "var/log/modftpd.log", "var/log/modftpd.out", "var/log/xferlog");

    private final Path root;
    private final Path home;
    private final List<ServerProcess> started = new ArrayList<>();

    private DistHome(Path root, Path home) {
        this.root = root;
        this.home = home;
    }

    /** A fresh copy of the distribution in {@code <tmp>/modftpd-dist-it*}/{@code folderName}. */
    static DistHome copy(String folderName) throws IOException {
        String dist = System.getProperty("modftpd.dist");
        assertNotNull("system property modftpd.dist (the distribution folder) is not set", dist);
        Path source = Path.of(dist).toAbsolutePath().normalize();
        if (!Files.isExecutable(source.resolve("bin/modftpd"))) {
            fail(source + "/bin/modftpd is missing: build the distribution first (mvn install -DskipTests)");
        }
        Path root = Files.createTempDirectory("modftpd-dist-it");
        Path home = root.resolve(folderName);
        copyTree(source, home);
        return new DistHome(root, home);
    }

    static DistHome copy() throws IOException {
        return copy("modftpd");
    }

    private static void copyTree(Path source, Path target) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (GENERATED.contains(relative(source, dir))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(target.resolve(source.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!GENERATED.contains(relative(source, file))) {
                    Files.copy(file, target.resolve(source.relativize(file).toString()),
                            StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static String relative(Path base, Path p) {
        return base.relativize(p).toString().replace('\\', '/');
    }

    Path home() {
        return home;
    }

    Path path(String relative) {
        return home.resolve(relative);
    }

    /** The temporary folder around the copy (a place for test files outside the installation). */
    Path scratch() {
        return root;
    }

    /** Writes {@code etc/<name>} and returns its absolute path. */
    Path writeConfig(String name, String text) throws IOException {
        Path file = home.resolve("etc").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * Waits (bounded) until {@code file} exists and contains {@code text}, woken by changes in its
     * folder; returns its content.
     */
    static String awaitFileContains(Path file, String text, Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        try (java.nio.file.WatchService watch = file.getFileSystem().newWatchService()) {
            file.getParent().register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE,
                    java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY);
            while (true) {
                String content = Files.exists(file) ? Files.readString(file) : null;
                if (content != null && content.contains(text)) {
                    return content;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail(file + " does not contain '" + text + "' after " + limit.toSeconds() + "s; it holds:\n" + content);
                }
                java.nio.file.WatchKey key = watch.poll(left, TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
    }

    /** A port that was free on 127.0.0.1 a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /**
     * A configuration on 127.0.0.1:{@code port} only, with the sample user file of this copy (which
     * bin/modftpd writes from its template on start), followed by {@code extraLines}.
     */
    static String loopbackConfig(int port, String serverName, String... extraLines) {
        StringBuilder b = new StringBuilder()
                .append("ServerName \"").append(serverName).append("\"\n")
                .append("ServerType standalone\n")
                .append("DefaultServer on\n")
                .append("Port ").append(port).append('\n')
                .append("DefaultAddress 127.0.0.1\n")
                .append("SocketBindTight on\n")
                .append("AuthOrder mod_auth_file.c\n")
                .append("AuthUserFile \"%{env:MODFTPD_HOME}/etc/ftpd.passwd\"\n")
                .append("AuthGroupFile \"%{env:MODFTPD_HOME}/etc/ftpd.group\"\n")
                .append("DefaultRoot ~\n")
                .append("AllowOverwrite on\n");
        for (String line : extraLines) {
            b.append(line).append('\n');
        }
        return b.toString();
    }

    /** Runs {@code bin/modftpd args} to its end (bounded by {@link #RUN_LIMIT}). */
    Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), Set.of(), args);
    }

    /**
     * Runs {@code bin/modftpd args} to its end with {@code env} added to the environment and the
     * variables in {@code unset} removed. Output goes to files, so a detached child that keeps them
     * open cannot block the test.
     */
    Result run(Map<String, String> env, Set<String> unset, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/modftpd").toString());
        command.addAll(Arrays.asList(args));
        Path out = Files.createTempFile(root, "stdout", ".txt");
        Path err = Files.createTempFile(root, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        unset.forEach(pb.environment()::remove);
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(RUN_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            fail("bin/modftpd " + String.join(" ", args) + " did not end within " + RUN_LIMIT.toSeconds() + "s; stderr:\n"
                    + Files.readString(err));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err), took);
    }

    /** Starts {@code bin/modftpd args} (meant with -n) and keeps it until {@link #close()}. */
    ServerProcess start(String... args) throws IOException {
        return keep(ServerProcess.start(launch(args)));
    }

    /** Like {@link #start(String...)} with {@code env} added to the server's environment. */
    ServerProcess start(Map<String, String> env, String... args) throws IOException {
        ProcessBuilder pb = launch(args);
        pb.environment().putAll(env);
        return keep(ServerProcess.start(pb));
    }

    /** Starts {@code bin/modftpd args} with its standard input open to the test (for --shell). */
    ServerProcess startWithInput(String... args) throws IOException {
        return keep(ServerProcess.startWithInput(launch(args)));
    }

    private ProcessBuilder launch(String... args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/modftpd").toString());
        command.addAll(Arrays.asList(args));
        return new ProcessBuilder(command).directory(root.toFile());
    }

    private ServerProcess keep(ServerProcess sp) {
        started.add(sp);
        return sp;
    }

    /** Stops what this copy started (by PID: SIGTERM, then SIGKILL after a while) and deletes the copy. */
    @Override
    public void close() throws IOException {
        for (ServerProcess sp : started) {
            sp.stopQuietly();
        }
        deleteTree(root);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** The end of a command: its status, both outputs and how long it ran. */
    record Result(int exitCode, String stdout, String stderr, Duration took) {

        List<String> stderrLines() {
            return stderr.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + " after " + took.toMillis() + " ms\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}

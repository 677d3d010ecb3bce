package org.modftpd.itest.support;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command-line client (curl, lftp) with a hard time limit and captures what it printed. */
public final class ProtoProcess {

    /** What a finished process left behind. */
    public record Outcome(List<String> command, int exitCode, String stdout, String stderr) {
        public Outcome assertSuccess() {
            assertEquals("exit code of " + this, 0, exitCode);
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n"
                    + stderr;
        }
    }

    private ProtoProcess() {
    }

    /**
     * Runs a command in {@code workDir} and waits at most {@code seconds}; a process still running then
     * is killed (with its children) and the test fails.
     */
    public static Outcome run(Path workDir, long seconds, Map<String, String> env, List<String> command)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path out = Files.createTempFile(workDir, ".stdout", ".txt");
        Path err = Files.createTempFile(workDir, ".stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("still running after " + seconds + " s: " + String.join(" ", command)
                        + "\n--- stdout:\n" + Files.readString(out, StandardCharsets.UTF_8) + "\n--- stderr:\n"
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Outcome(List.copyOf(command), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}

package org.modftpd.itest.dist;

import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real command-line clients (curl, lftp) with a time limit. */
final class Tools {

    private Tools() {
    }

    record Output(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    static Output curl(Path scratch, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "--disable", "--silent", "--show-error",
                "--max-time", "20"));
        cmd.addAll(List.of(args));
        return exec(scratch, cmd);
    }

    static Output exec(Path scratch, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "tool-out", ".txt");
        Path err = Files.createTempFile(scratch, "tool-err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(scratch.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        // lftp and curl read their rc files from HOME: keep them out of the test
        pb.environment().put("HOME", scratch.toString());
        Process p = pb.start();
        if (!p.waitFor(40, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            fail(command + " did not end within 40s; stderr:\n" + Files.readString(err));
        }
        return new Output(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}

package org.modftpd.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The pid file of a detached server ({@code var/run/modftpd.pid}): written, atomically, once the
 * server listens, so {@code bin/modftpd} knows the start succeeded; removed when the process ends,
 * unless another process has written its own number there meanwhile.
 */
final class PidFile {

    private final Path file;
    private final String pid = Long.toString(ProcessHandle.current().pid());
    private volatile boolean written;

    PidFile(Path file) {
        this.file = file;
    }

    synchronized void write() {
        if (written) {
            return;
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".modftpd", ".pid");
            Files.writeString(tmp, pid + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            written = true;
        } catch (IOException e) {
            System.err.println("modftpd: unable to write the pid file " + file + ": " + e);
        }
    }

    synchronized void remove() {
        if (!written) {
            return;
        }
        try {
            if (Files.readString(file, StandardCharsets.US_ASCII).strip().equals(pid)) {
                Files.delete(file);
            }
        } catch (IOException ignored) {
            // gone already, or not ours
        }
    }
}

package org.modftpd.core.internal.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownFileTest {

    @TempDir
    Path dir;

    @Test
    void readsTheTwoLinesFtpshutWrites() throws Exception {
        Path file = dir.resolve("shutmsg");
        Files.writeString(file, "2026 11 1 21 5 9 0130 0005\nback at %s, said %U from %R\n");
        ShutdownFile f = ShutdownFile.read(file).orElseThrow();
        LocalDateTime at = LocalDateTime.of(2026, 11, 1, 21, 5, 9);
        assertEquals(at.atZone(ZoneId.systemDefault()).toInstant(), f.shutdown());
        assertEquals(Duration.ofMinutes(90), Duration.between(f.deny(), f.shutdown()));
        assertEquals(Duration.ofMinutes(5), Duration.between(f.disconnect(), f.shutdown()));
        assertTrue(f.denying(f.deny()));
        assertFalse(f.denying(f.deny().minusSeconds(1)));
        assertFalse(f.disconnecting(f.deny()));
        assertEquals("back at Sun Nov  1 21:05:09 2026, said alice from 192.0.2.7",
                f.expand("/", "127.0.0.1", "192.0.2.7", "alice", "main"));
    }

    @Test
    void withoutOffsetsEverythingHappensAtTheShutdownTime() throws Exception {
        Path file = dir.resolve("shutmsg");
        Files.writeString(file, "2026 1 2 3 4 5\n");
        ShutdownFile f = ShutdownFile.read(file).orElseThrow();
        assertEquals(f.shutdown(), f.deny());
        assertEquals(f.shutdown(), f.disconnect());
        assertEquals("", f.message());
    }

    @Test
    void missingOrUnreadableFilesMeanNormalService() throws Exception {
        assertTrue(ShutdownFile.read(dir.resolve("absent")).isEmpty());
        Path bad = dir.resolve("bad");
        Files.writeString(bad, "tomorrow morning\nmsg\n");
        assertTrue(ShutdownFile.read(bad).isEmpty());
        Files.writeString(bad, "2026 13 40 25 61 0 0010 0005\nmsg\n");
        assertTrue(ShutdownFile.read(bad).isEmpty());
        Files.writeString(bad, "");
        assertTrue(ShutdownFile.read(bad).isEmpty());
    }
}

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
    void everyCookieOnceAndValuesAreNotExpandedAgain() throws Exception {
        Path file = dir.resolve("shutmsg");
        Files.writeString(file, "2026 2 28 23 59 0 0100 0010\n"
                + "s=%s r=%r d=%d C=%C L=%L R=%R U=%U V=%V 100% %x %\n");
        ShutdownFile f = ShutdownFile.read(file).orElseThrow();
        String expanded = f.expand("/pub/%V", "127.0.0.1", "192.0.2.7", "%s", "main %U");
        assertEquals("s=Sat Feb 28 23:59:00 2026 r=Sat Feb 28 22:59:00 2026 d=Sat Feb 28 23:49:00 2026"
                + " C=/pub/%V L=127.0.0.1 R=192.0.2.7 U=%s V=main %U 100% %x %", expanded);
        Files.writeString(file, "2026 2 28 23 59 0\n%T\n");
        LocalDateTime before = LocalDateTime.now().withNano(0);
        String t = ShutdownFile.read(file).orElseThrow().expand("/", "", "", "", "");
        LocalDateTime after = LocalDateTime.now();
        LocalDateTime shown = LocalDateTime.parse(t, ShutdownFile.CTIME);
        assertFalse(shown.isBefore(before) || shown.isAfter(after), t + " not between " + before + " and " + after);
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

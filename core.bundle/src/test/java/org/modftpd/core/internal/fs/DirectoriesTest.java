package org.modftpd.core.internal.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoriesTest {

    @TempDir
    Path dir;

    /** What a reader reports for every entry: name → details and access. */
    private static Map<String, String> read(DirectoryReader reader) throws IOException {
        Map<String, String> seen = new TreeMap<>();
        try (reader) {
            while (reader.next()) {
                String name = reader.name();
                // access asked before and after the details: the reader may answer it from them
                String before = access(reader);
                String info = reader.info().toString();
                String after = access(reader);
                assertEquals(before, after, name);
                seen.put(name, info + " " + after + " " + reader.path());
            }
        }
        return seen;
    }

    private static String access(DirectoryReader reader) {
        return (allows(reader, DirectoryReader.READ) ? "r" : "-")
                + (allows(reader, DirectoryReader.WRITE) ? "w" : "-")
                + (allows(reader, DirectoryReader.EXECUTE) ? "x" : "-")
                + (allows(reader, DirectoryReader.READ | DirectoryReader.WRITE) ? "+" : "-");
    }

    private static boolean allows(DirectoryReader reader, int mode) {
        return reader.allowed(mode) == mode;
    }

    @Test
    void theNativeReaderIsUsedOnLinuxWithRelease22() {
        assertEquals(Runtime.version().feature() >= 22 && "Linux".equals(System.getProperty("os.name")),
                Directories.isNative());
    }

    @Test
    void onlyLocalFileSystemsAreReadNatively() throws IOException {
        Assumptions.assumeTrue(Directories.isNative());
        try (DirectoryReader local = Directories.open(dir);
                DirectoryReader proc = Directories.open(Path.of("/proc/self"))) {
            assertFalse(local instanceof NioDirectoryReader, local.getClass().getName());
            // /proc stands for the file systems (NFS, FUSE, ...) whose calls may wait: java.nio.file reads them
            assertTrue(proc instanceof NioDirectoryReader, proc.getClass().getName());
            boolean sawStatus = false;
            while (proc.next()) {
                sawStatus |= proc.name().equals("status");
            }
            assertTrue(sawStatus);
        }
    }

    @Test
    void bothReadersSeeTheSameEntriesDetailsAndAccess() throws IOException {
        Files.writeString(dir.resolve("plain.txt"), "hello");
        Path old = Files.write(dir.resolve("old.bin"), new byte[70_000]);
        Files.setLastModifiedTime(old, FileTime.fromMillis(-86_400_000L * 400 + 123));
        Path locked = Files.writeString(dir.resolve("locked"), "x");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Path runnable = Files.writeString(dir.resolve("run.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(runnable, PosixFilePermissions.fromString("rwxr-x---"));
        Files.createDirectory(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("plain.txt"));
        Files.createSymbolicLink(dir.resolve("dangling"), Path.of("nowhere"));
        Files.writeString(dir.resolve("ünïcödé €"), "u");
        Files.writeString(dir.resolve(".hidden"), "h");
        Files.writeString(dir.resolve("..."), "dots");
        Files.createLink(dir.resolve("hard"), dir.resolve("plain.txt"));

        Map<String, String> nio = read(Directories.nio(dir));
        Map<String, String> used = read(Directories.open(dir));
        assertEquals(nio, used);
        assertEquals(List.of("...", ".hidden", "dangling", "hard", "link", "locked", "old.bin", "plain.txt", "run.sh",
                "sub", "ünïcödé €"), new ArrayList<>(used.keySet()));
        assertTrue(used.get("hard").startsWith("FileInfo[mode=33188, nlink=2,"), used.get("hard"));
    }

    @Test
    void anImmutableFileIsNotWritable() throws Exception {
        Path frozen = Files.writeString(dir.resolve("frozen"), "x");
        Files.writeString(dir.resolve("thawed"), "y");
        Assumptions.assumeTrue(chattr("+i", frozen), "chattr +i is not possible here");
        try {
            Map<String, String> used = read(Directories.open(dir));
            assertEquals(read(Directories.nio(dir)), used);
            assertTrue(used.get("frozen").contains(" r--- "), used.get("frozen"));
            assertTrue(used.get("thawed").contains(" rw-+ "), used.get("thawed"));
        } finally {
            chattr("-i", frozen);
        }
    }

    private static boolean chattr(String flag, Path file) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException notInstalled) {
            return false;
        }
    }

    @Test
    void aDirectoryLargerThanOneReadIsReadWhole() throws IOException {
        // about 100 bytes of entry each: several getdents64 calls
        for (int i = 0; i < 3000; i++) {
            Files.createFile(dir.resolve(String.format("%080d", i)));
        }
        Map<String, String> used = read(Directories.open(dir));
        assertEquals(3000, used.size());
        assertEquals(read(Directories.nio(dir)), used);
    }

    @Test
    void anEntryRemovedWhileListingIsReportedMissing() throws IOException {
        Files.writeString(dir.resolve("going"), "x");
        try (DirectoryReader reader = Directories.open(dir)) {
            assertTrue(reader.next());
            assertEquals("going", reader.name());
            Files.delete(dir.resolve("going"));
            assertThrows(NoSuchFileException.class, reader::info);
            assertFalse(allows(reader, DirectoryReader.READ));
            assertFalse(reader.next());
        }
    }

    @Test
    void aMissingDirectoryCannotBeOpened() {
        assertThrows(NoSuchFileException.class, () -> Directories.open(dir.resolve("absent")));
    }

    @Test
    void anEmptyDirectoryHasNoEntries() throws IOException {
        try (DirectoryReader reader = Directories.open(dir)) {
            assertFalse(reader.next());
            assertFalse(reader.next());
        }
    }
}

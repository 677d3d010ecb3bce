package org.modftpd.itest.support;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** File helpers for protocol tests: reproducible random content and byte-exact comparisons. */
public final class ProtoFiles {

    private ProtoFiles() {
    }

    /** {@code size} pseudo-random bytes from a fixed seed. */
    public static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Asserts two byte arrays are equal, reporting lengths and digests rather than megabytes of bytes. */
    public static void assertSameBytes(String message, byte[] expected, byte[] actual) {
        assertEquals(message + ": length", expected.length, actual.length);
        assertEquals(message + ": SHA-256", sha256(expected), sha256(actual));
    }

    /** Writes a file (creating its folder), for use in configuration(env) before the server starts. */
    public static Path write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The permission bits of a file as an octal string ({@code 644}). */
    public static String mode(Path p) throws IOException {
        String rwx = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        int m = 0;
        for (int i = 0; i < 9; i++) {
            m = (m << 1) | (rwx.charAt(i) == '-' ? 0 : 1);
        }
        return Integer.toOctalString(m);
    }
}

package org.modftpd.itest;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;

/**
 * The README's "Writing an auth module" example, end to end: its bundle is dropped into the running
 * server's drop-in folder, its directive becomes valid, it answers first in AuthOrder, and it goes
 * away again when the jar is removed, while mod_auth_file keeps serving its users.
 */
public class ExampleModuleIT extends ServerTestSupport {

    @Override
    protected String authOrder() {
        return "mod_auth_example.c mod_auth_file.c";
    }

    @Override
    protected String configuration(Provision.Env env) {
        try {
            Files.createDirectories(env.home("frank"));
            Files.writeString(env.home("frank").resolve("frank.txt"), "frank's file\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "DefaultRoot ~\n"
                + "<IfModule mod_auth_example.c>\n"
                + "  ExampleAuthUser frank " + sha256("frank-pw") + " " + env.home("frank") + "\n"
                + "</IfModule>\n";
    }

    /** The hex SHA-256 that ExampleAuthUser takes as a password hash. */
    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    public void droppedInModuleAuthenticatesAndLeavesCleanly() throws Exception {
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER frank");
            ftp.expect(530, "PASS frank-pw");
        }

        Path target = dir().resolve("modules").resolve("mod_auth_example.jar");
        Path partial = dir().resolve("modules").resolve("mod_auth_example.jar.part");
        Files.copy(testBundle("mod_auth_example.jar"), partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        awaitModules("with mod_auth_example.c", m -> m.contains("mod_auth_example.c"));

        try (Ftp ftp = login("frank", "frank-pw").binary().passive()) {
            assertEquals("frank's file\n", new String(ftp.retrieve("frank.txt"), StandardCharsets.UTF_8));
        }
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER frank");
            ftp.expect(530, "PASS wrong");
        }
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD)) {
            ftp.expect(257, "PWD");
        }

        Files.delete(target);
        awaitModules("without mod_auth_example.c", m -> !m.contains("mod_auth_example.c"));
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER frank");
            ftp.expect(530, "PASS frank-pw");
        }
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD)) {
            ftp.expect(257, "PWD");
        }
    }
}

package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;

/**
 * logrotate's recipe: rename the SystemLog, TransferLog and ExtendedLog files, then reload (SIGHUP).
 * Every line written after the reload, by new sessions and by a session that was connected all along,
 * goes to fresh files at the configured paths; the renamed files get nothing more.
 */
public class LogRotateIT extends ServerTestSupport {

    @Override
    @Configuration
    public Option[] config() throws IOException {
        Provision.Env env = Provision.environment(getClass().getSimpleName());
        String prologue = Provision.prologue(env).replace("TransferLog none",
                "TransferLog " + env.dir().resolve("logs/xferlog"));
        String configuration = prologue.replace("SystemLog " + env.dir().resolve("system.log"),
                "SystemLog " + env.dir().resolve("logs/system.log"))
                + "DefaultRoot ~\nAllowOverwrite on\n"
                + "ExtendedLog " + env.dir().resolve("logs/extended.log") + " ALL\n";
        return Provision.server(env, configuration, modules());
    }

    @Test
    public void renamedLogsGetNothingAfterAReload() throws Exception {
        Path logs = dir().resolve("logs");
        Path system = logs.resolve("system.log");
        Path xfer = logs.resolve("xferlog");
        Path extended = logs.resolve("extended.log");

        Ftp longLived = login("bob", Provision.BOB_PASSWORD).binary().passive();
        try {
            longLived.store("before.bin", "written before the rotation\n".getBytes(StandardCharsets.UTF_8));
            try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD).binary().passive()) {
                ftp.store("old.bin", new byte[100]);
                ftp.expect(221, "QUIT");
            }
            // the closing line is written as the session ends, after the client saw 221
            awaitCount(system, "FTP session closed.", 1);
            assertTrue(Files.readString(xfer).contains("/old.bin"));
            assertTrue(Files.readString(extended).contains("\"STOR old.bin\" 226"));

            for (Path p : List.of(system, xfer, extended)) {
                Files.move(p, p.resolveSibling(p.getFileName() + ".1"));
            }
            String oldSystem = Files.readString(logs.resolve("system.log.1"));
            String oldXfer = Files.readString(logs.resolve("xferlog.1"));
            String oldExtended = Files.readString(logs.resolve("extended.log.1"));

            reload();

            try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD).binary().passive()) {
                ftp.store("new.bin", new byte[200]);
                ftp.retrieve("new.bin");
                ftp.expect(221, "QUIT");
            }
            longLived.store("after.bin", "written after the rotation\n".getBytes(StandardCharsets.UTF_8));
            try (Ftp ftp = connect()) {
                ftp.expect(331, "USER alice");
                ftp.expect(530, "PASS wrong");
                ftp.expect(221, "QUIT");
            }
            awaitCount(system, "FTP session closed.", 2);

            String newSystem = Files.readString(system);
            assertTrue(newSystem, newSystem.contains("configuration reloaded from"));
            assertTrue(newSystem, newSystem.contains("USER alice: Login successful."));
            assertTrue(newSystem, newSystem.contains("USER alice (Login failed): Incorrect password"));
            String newXfer = Files.readString(xfer);
            assertTrue(newXfer, newXfer.contains("/new.bin b _ i r alice ftp 0 * c"));
            assertTrue(newXfer, newXfer.contains("/new.bin b _ o r alice ftp 0 * c"));
            assertTrue("the session that was connected all along logs to the new file: " + newXfer,
                    newXfer.contains("/after.bin b _ i r bob ftp 0 * c"));
            assertFalse(newXfer, newXfer.contains("old.bin"));
            String newExtended = Files.readString(extended);
            assertTrue(newExtended, newExtended.contains("\"STOR new.bin\" 226"));
            assertTrue(newExtended, newExtended.contains("\"STOR after.bin\" 226"));
            assertFalse(newExtended, newExtended.contains("old.bin"));

            assertEquals("the renamed SystemLog got nothing more", oldSystem,
                    Files.readString(logs.resolve("system.log.1")));
            assertEquals("the renamed TransferLog got nothing more", oldXfer,
                    Files.readString(logs.resolve("xferlog.1")));
            assertEquals("the renamed ExtendedLog got nothing more", oldExtended,
                    Files.readString(logs.resolve("extended.log.1")));
        } finally {
            longLived.close();
        }
    }

    /** Waits (at most 10 s, woken by file changes) until a file holds a text at least {@code count} times. */
    static void awaitCount(Path file, String text, int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (WatchService watch = file.getFileSystem().newWatchService()) {
            file.getParent().register(watch, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
            while (occurrences(file, text) < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(file + " never held '" + text + "' " + count + " times: "
                            + (Files.exists(file) ? Files.readString(file) : "(no file)"));
                }
                WatchKey key = watch.poll(left, TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
    }

    private static int occurrences(Path file, String text) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        String s = Files.readString(file);
        int n = 0;
        for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + text.length())) {
            n++;
        }
        return n;
    }
}

package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;

/** ExtendedLog with LogFormat variables, command classes, and the CONNECT and EXIT classes. */
public class ExtendedLogIT extends ServerTestSupport {

    @Override
    protected String configuration(Provision.Env env) {
        return "DefaultRoot ~\nAllowOverwrite on\n"
                + "LogFormat xfer \"%a %u %U %m %F %f %b %s %{transfer-status} %{transfer-type}\"\n"
                + "LogFormat session \"%a %u %E %{note:mod_auth.orig-user}\"\n"
                + "ExtendedLog " + env.dir().resolve("xfer.log") + " READ,WRITE xfer\n"
                + "ExtendedLog " + env.dir().resolve("all.log") + "\n"
                + "ExtendedLog " + env.dir().resolve("session.log") + " CONNECT,EXIT session\n";
    }

    @Test
    public void transfersAndSessionsAreLoggedWithTheirVariables() throws Exception {
        Path home = home("alice").toRealPath();
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD).binary().passive()) {
            ftp.store("log.bin", new byte[1234]);
            ftp.retrieve("log.bin");
            ftp.expect(257, "PWD");
            ftp.expect(221, "QUIT");
        }
        awaitLines(dir().resolve("session.log"), 2);
        List<String> xfer = Files.readAllLines(dir().resolve("xfer.log"));
        assertEquals(List.of(
                "127.0.0.1 alice alice STOR /log.bin " + home.resolve("log.bin") + " 1234 226 success binary",
                "127.0.0.1 alice alice RETR /log.bin " + home.resolve("log.bin") + " 1234 226 success binary"), xfer);
        List<String> all = Files.readAllLines(dir().resolve("all.log"));
        String host = java.net.InetAddress.getByName("127.0.0.1").getCanonicalHostName();
        assertTrue(all.toString(), all.stream().anyMatch(l -> l.startsWith(host + " UNKNOWN alice [")
                && l.endsWith("\"PWD\" 257 -")));
        assertTrue(all.toString(), all.stream().anyMatch(l -> l.contains("\"PASS (hidden)\" 230 -")));
        assertTrue(all.toString(), all.stream().noneMatch(l -> l.contains("alice-pw")));
        List<String> sessions = Files.readAllLines(dir().resolve("session.log"));
        assertEquals("127.0.0.1 - Client disconnected -", sessions.get(0));
        assertEquals("127.0.0.1 alice Quit alice", sessions.get(1));
    }

    /** The EXIT line is written as the session ends, just after the client saw QUIT's reply. */
    private static void awaitLines(Path file, int lines) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        try (var watch = file.getParent().getFileSystem().newWatchService()) {
            file.getParent().register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY,
                    java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
            while (!Files.exists(file) || Files.readAllLines(file).size() < lines) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(file + " never got " + lines + " lines");
                }
                var key = watch.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
    }
}

package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.ProtoControl;
import org.modftpd.itest.support.ProtoData;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.Reply;
import org.modftpd.itest.support.ServerTestSupport;

/** ExtendedLog with LogFormat variables, command classes, and the CONNECT and EXIT classes. */
public class ExtendedLogIT extends ServerTestSupport {

    @Override
    protected String configuration(Provision.Env env) {
        return "DefaultRoot ~\nAllowOverwrite on\n"
                + "LogFormat xfer \"%a %u %U %m %F %f %b %s %{transfer-status} %{transfer-type}\"\n"
                + "LogFormat session \"%a %u %E %{note:mod_auth.orig-user}\"\n"
                + "LogFormat out \"%m %F %O\"\n"
                + "ExtendedLog " + env.dir().resolve("out.log") + " READ out\n"
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

    /** %O counts every byte written to the client when the line is logged: RETR's 150 and data, not its 226. */
    @Test
    public void bytesOutOfARetrCountItsPreliminaryReplyAndData() throws Exception {
        byte[] content = new byte[4096];
        Files.write(home("alice").resolve("out.bin"), content);
        long sent = 0;
        try (ProtoControl c = ProtoControl.connect(port())) {
            sent += wire(c.greeting());
            sent += wire(c.command("USER alice"));
            sent += wire(c.command("PASS " + Provision.ALICE_PASSWORD));
            sent += wire(c.expect("TYPE I", 200));
            try (ProtoData d = c.data(ProtoData.Mode.PASV)) {
                sent += wire(d.setup());
                c.writeLine("RETR out.bin");
                sent += wire(c.read());
                sent += d.socket().getInputStream().readAllBytes().length;
                assertEquals(226, c.read().code());
            }
        }
        assertTrue(Files.readAllLines(dir().resolve("out.log")).toString(),
                Files.readAllLines(dir().resolve("out.log")).contains("RETR /out.bin " + sent));
    }

    private static long wire(Reply r) {
        return r.lines().stream().mapToLong(l -> l.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 2).sum();
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

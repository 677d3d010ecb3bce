package org.modftpd.itest.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;

/**
 * SIGHUP re-reads the configuration: new sessions get the new one, sessions already connected keep
 * working, and a bad file is refused with file:line while the last good configuration stays. The
 * server starts from a file with the daemon-only directives a real ProFTPD file has, which load with
 * one notice each.
 */
public class DistReloadIT extends DistTestSupport {

    private static final List<String> DAEMON_ONLY = List.of("PidFile /var/run/proftpd.pid",
            "ScoreboardFile /var/run/proftpd.scoreboard", "WtmpLog off", "User nobody", "Group nogroup");

    private static final String SYSTEM_LOG = "SystemLog \"%{env:MODFTPD_HOME}/var/log/modftpd.log\"";

    @Test
    public void sighupReloadsForNewSessionsAndRefusesABadFile() throws Exception {
        int port = DistHome.freePort();
        String[] daemonOnly = DAEMON_ONLY.toArray(String[]::new);
        Path conf = dist.writeConfig("reload.conf", DistHome.loopbackConfig(port, "first", daemonOnly));
        Files.writeString(conf, SYSTEM_LOG + "\n", java.nio.file.StandardOpenOption.APPEND);
        Path systemLog = dist.path("var/log/modftpd.log");
        Path rotated = dist.path("var/log/modftpd.log.1");
        ServerProcess server = dist.start("-n", "-c", conf.toString());
        server.awaitListening();

        // the daemon-only directives (lines 12-16): one notice each, and nothing worse
        List<String> startup = server.outputLines();
        for (int i = 0; i < DAEMON_ONLY.size(); i++) {
            String directive = DAEMON_ONLY.get(i).split(" ")[0];
            String notice = "[INFO] modftpd - " + conf + ":" + (12 + i) + ": " + directive
                    + " has no effect in modftpd (one JVM serves every session); ignored";
            assertEquals(server.output(), 1, startup.stream().filter(l -> l.endsWith(notice)).count());
            assertEquals(server.output(), 1, startup.stream().filter(l -> l.contains(" " + directive + " ")).count());
        }
        assertTrue(server.output(), startup.stream().noneMatch(l -> l.contains("[WARN]") || l.contains("[ERROR]")));

        try (ControlSession before = ControlSession.connect(port)) {
            assertEquals("220 ProFTPD Server (first) [127.0.0.1]", before.greeting());
            before.expect("331", "USER ftpuser");
            before.expect("230", "PASS ftpuser");

            // 1. a good change: new sessions see it, the session from before keeps working, and the
            //    SystemLog is reopened (logrotate moves the file away, then sends HUP)
            Files.move(systemLog, rotated);
            Files.writeString(conf, DistHome.loopbackConfig(port, "second", "ServerIdent on \"modftpd reloaded\"",
                    SYSTEM_LOG));
            int mark = server.mark();
            server.signal("HUP");
            String reloaded = server.awaitLine(mark, "configuration reloaded from " + conf + " (generation ",
                    DistHome.START_LIMIT);
            String message = reloaded.substring(reloaded.indexOf("[INFO] modftpd - ") + "[INFO] modftpd - ".length());
            String reopened = DistHome.awaitFileContains(systemLog, message, DistHome.START_LIMIT);
            assertTrue(reopened, reopened.matches("(?s)\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} \\S+ proftpd\\["
                    + server.pid() + "\\] \\S+: " + java.util.regex.Pattern.quote(message) + "\n"));
            assertTrue(Files.readString(rotated), Files.readString(rotated).contains(" listening on [127.0.0.1:"));
            assertTrue(Files.readString(rotated), !Files.readString(rotated).contains("configuration reloaded"));
            try (ControlSession after = ControlSession.connect(port)) {
                assertEquals("220 modftpd reloaded", after.greeting());
            }
            before.expect("257", "PWD");
            before.expect("200", "NOOP");

            // 2. a broken file: refused with file:line, the server keeps running on the last good one
            Files.writeString(conf, DistHome.loopbackConfig(port, "third", "ServerIdent on \"never seen\"",
                    "TimeoutIdle whenever"));
            mark = server.mark();
            server.signal("HUP");
            server.awaitLine(mark, "[ERROR] modftpd - reload refused: " + conf
                    + ":13: TimeoutIdle: expected a number, not 'whenever'", DistHome.START_LIMIT);
            server.awaitLine(mark, "reload refused; the previous configuration stays in effect", DistHome.START_LIMIT);
            assertTrue(server.isAlive());
            try (ControlSession after = ControlSession.connect(port)) {
                assertEquals("220 modftpd reloaded", after.greeting());
                after.expect("331", "USER ftpuser");
                after.expect("230", "PASS ftpuser");
            }
            before.expect("200", "NOOP");

            // 3. a missing file is refused the same way
            Files.delete(conf);
            mark = server.mark();
            server.signal("HUP");
            server.awaitLine(mark, "[ERROR] modftpd - reload refused: " + conf + ": cannot read " + conf
                    + ": No such file or directory", DistHome.START_LIMIT);
            try (ControlSession after = ControlSession.connect(port)) {
                assertEquals("220 modftpd reloaded", after.greeting());
            }

            // 4. a new Port: the new one listens, the old one closes, the session from before stays
            int newPort = DistHome.freePort();
            Files.writeString(conf, DistHome.loopbackConfig(newPort, "moved"));
            mark = server.mark();
            server.signal("HUP");
            server.awaitLine(mark, "configuration reloaded from " + conf, DistHome.START_LIMIT);
            try (ControlSession after = ControlSession.connect(newPort)) {
                assertEquals("220 ProFTPD Server (moved) [127.0.0.1]", after.greeting());
            }
            DistForegroundIT.assertRefused(port);
            before.expect("257", "PWD");
            before.expect("221", "QUIT");
        }
        assertEquals(server.output(), 0, server.terminate());
    }
}

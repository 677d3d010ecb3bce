package org.modftpd.itest.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;

/**
 * ServerType inetd: a super-server (here socat, doing what inetd, xinetd or a systemd socket unit
 * with Accept=yes do) hands each connection to a new {@code bin/modftpd} as standard input and
 * output; the process serves that one session and ends with it.
 */
public class DistInetdIT extends DistTestSupport {

    @Test
    public void eachConnectionIsServedByItsOwnProcess() throws Exception {
        int port = DistHome.freePort();
        String config = DistHome.loopbackConfig(port, "from inetd").replace("ServerType standalone", "ServerType inetd");
        Path conf = dist.writeConfig("inetd.conf", config);
        Files.writeString(dist.path("srv/home/ftpuser/hello.txt"), "hello from inetd\n");
        ServerProcess superServer = ServerProcess.start(new ProcessBuilder(List.of("socat", "-d", "-d",
                "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork",
                "EXEC:" + dist.path("bin/modftpd") + " -c " + conf + ",nofork")).directory(dist.scratch().toFile()));
        try {
            superServer.awaitLine("listening on", DistHome.START_LIMIT);
            for (int round = 0; round < 2; round++) {
                try (ControlSession s = ControlSession.connect(port)) {
                    assertEquals("220 ProFTPD Server (from inetd) [127.0.0.1]", s.greeting());
                    s.expect("331", "USER ftpuser");
                    s.expect("230", "PASS ftpuser");
                    s.expect("257", "PWD");
                    s.expect("213", "MDTM hello.txt");
                    s.expect("221", "QUIT");
                    assertNull("the process ends with the session", s.readLine());
                }
            }
            String log = Files.readString(dist.path("var/log/modftpd.inetd.log"));
            assertTrue(log, !log.contains("Exception"));
        } finally {
            superServer.stopQuietly();
        }
    }
}

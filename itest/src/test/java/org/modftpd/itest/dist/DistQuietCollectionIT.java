package org.modftpd.itest.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.Test;

/**
 * {@code bin/modftpd} gives back the heap a burst of sessions made it take: once the server has gone
 * quiet it asks for one concurrent collection, and the heap shrinks after it (instead of G1's
 * periodic collection, which repeats every second for as long as the server idles).
 */
public class DistQuietCollectionIT extends DistTestSupport {

    private static final Pattern REMARK = Pattern.compile("Pause Remark \\d+M->\\d+M\\((\\d+)M\\)");
    private static final Pattern YOUNG = Pattern.compile("Pause Young .*->\\d+M\\((\\d+)M\\)");

    @Test
    public void collectsOnceTheServerGoesQuietAndTheHeapShrinks() throws Exception {
        int port = DistHome.freePort();
        Path conf = dist.writeConfig("quiet.conf", DistHome.loopbackConfig(port, "quiet"));
        ServerProcess server = dist.start(Map.of("JAVA_OPTS", "-Xlog:gc"), "-n", "-c", conf.toString());
        server.awaitListening();
        int beforeSessions = server.mark();

        // a burst: logins that each allocate, until the heap has grown past its idle size
        long grownTo = 0;
        for (int i = 0; i < 200 && grownTo == 0; i++) {
            FTPClient ftp = new FTPClient();
            ftp.setConnectTimeout(10_000);
            ftp.setDefaultTimeout(20_000);
            ftp.connect(InetAddress.getByName("127.0.0.1"), port);
            assertTrue(ftp.getReplyString(), ftp.login("ftpuser", "ftpuser"));
            for (int j = 0; j < 50; j++) {
                ftp.sendCommand("STAT", "/");
            }
            ftp.logout();
            ftp.disconnect();
            for (String line : server.linesFrom(beforeSessions)) {
                Matcher m = YOUNG.matcher(line);
                if (m.find()) {
                    grownTo = Math.max(grownTo, Long.parseLong(m.group(1)));
                }
            }
        }
        assertTrue("no young collection during the burst:\n" + server.output(), grownTo > 0);
        int quietFrom = server.mark();

        String collection = server.awaitLine(quietFrom, "(System.gc())", Duration.ofSeconds(20));
        assertTrue(collection, collection.contains("Concurrent Start"));
        String remark = server.awaitLine(quietFrom, l -> REMARK.matcher(l).find(), Duration.ofSeconds(20),
                "the remark of the quiet collection");
        Matcher m = REMARK.matcher(remark);
        assertTrue(m.find());
        long after = Long.parseLong(m.group(1));
        assertTrue("heap " + grownTo + "M during the burst, " + after + "M after the quiet collection",
                after < grownTo);
        assertFalse("periodic collections are off: " + server.output(), server.output().contains("Periodic"));
        assertEquals(1, server.linesFrom(quietFrom).stream().filter(l -> l.contains("(System.gc())")).count());
    }
}

package org.modftpd.itest.dist;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.junit.Test;

/**
 * {@code bin/modftpd -n}: a foreground server that serves real logins, stops cleanly on SIGTERM
 * (status 0, sessions told "421 FTP server shutting down"), and refuses to start on a bad
 * configuration with status 1 and file:line.
 */
public class DistForegroundIT extends DistTestSupport {

    @Test
    public void servesLoginsAndStopsCleanlyOnSigterm() throws Exception {
        int port = DistHome.freePort();
        Path conf = dist.writeConfig("fg.conf", DistHome.loopbackConfig(port, "foreground",
                "SystemLog \"%{env:MODFTPD_HOME}/var/log/modftpd.log\""));
        ServerProcess server = dist.start("-n", "-c", conf.toString());
        String listening = server.awaitListening();
        assertTrue(listening, listening.endsWith(" (" + conf + ") listening on [127.0.0.1:" + port + "]"));

        // a real login with Apache Commons Net: upload, list, download
        byte[] payload = "foreground upload\r\n\u00e9\u0000end".getBytes(StandardCharsets.UTF_8);
        FTPClient ftp = new FTPClient();
        ftp.setConnectTimeout(10_000);
        ftp.setDefaultTimeout(20_000);
        try {
            ftp.connect(InetAddress.getByName("127.0.0.1"), port);
            ftp.setSoTimeout(20_000);
            assertEquals(ftp.getReplyString(), "220 ProFTPD Server (foreground) [127.0.0.1]\r\n", ftp.getReplyString());
            assertTrue(ftp.getReplyString(), ftp.login("ftpuser", "ftpuser"));
            assertEquals("/", ftp.printWorkingDirectory());
            ftp.setFileType(FTP.BINARY_FILE_TYPE);
            ftp.enterLocalPassiveMode();
            assertTrue(ftp.getReplyString(), ftp.storeFile("up.bin", new ByteArrayInputStream(payload)));
            FTPFile[] files = ftp.listFiles();
            assertTrue(List.of(files).toString(), List.of(files).stream().anyMatch(f -> f.getName().equals("up.bin")
                    && f.getSize() == payload.length));
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            assertTrue(ftp.getReplyString(), ftp.retrieveFile("up.bin", back));
            assertArrayEquals(payload, back.toByteArray());
            ftp.logout();
        } finally {
            if (ftp.isConnected()) {
                ftp.disconnect();
            }
        }
        assertArrayEquals(payload, Files.readAllBytes(dist.path("srv/home/ftpuser/up.bin")));

        // a session that is logged in when SIGTERM arrives is told, then disconnected
        try (ControlSession open = ControlSession.connect(port)) {
            open.expect("331", "USER ftpuser");
            open.expect("230", "PASS ftpuser");
            int before = server.mark();

            int status = server.terminate();

            assertEquals("421 FTP server shutting down", open.readLine());
            assertNull("the connection ends after the 421", open.readLine());
            assertEquals("exit status after SIGTERM; output:\n" + server.output(), 0, status);
            List<String> shutdown = server.outputLines().subList(before, server.outputLines().size());
            assertTrue(server.output(), shutdown.get(shutdown.size() - 1).endsWith(" modftpd - modftpd "
                    + version(server) + " stopped"));
            assertFalse("a clean stop logs no warning or error:\n" + String.join("\n", shutdown),
                    shutdown.stream().anyMatch(l -> l.contains("[WARN]") || l.contains("[ERROR]")));
        }
        // the SystemLog has both sessions' ends, then the server's last line
        List<String> systemLog = Files.readAllLines(dist.path("var/log/modftpd.log"));
        assertEquals(String.join("\n", systemLog), 2, systemLog.stream()
                .filter(l -> l.matches(".* foreground \\(\\S+\\[127\\.0\\.0\\.1\\]\\): FTP session closed\\.")).count());
        assertTrue(String.join("\n", systemLog), systemLog.get(systemLog.size() - 1)
                .endsWith(": modftpd " + version(server) + " stopped"));
        assertRefused(port);
    }

    @Test
    public void badConfigurationExitsOneNamingFileAndLine() throws Exception {
        int port = DistHome.freePort();
        Path conf = dist.writeConfig("bad.conf", DistHome.loopbackConfig(port, "bad", "TimeoutIdle forever",
                "NoSuchDirective on"));
        ServerProcess server = dist.start("-n", "-c", conf.toString());

        int status = server.awaitExit(DistHome.START_LIMIT);

        assertEquals(server.output(), 1, status);
        assertTrue(server.output(), server.output().contains(
                "[ERROR] modftpd - " + conf + ":12: TimeoutIdle: expected a number, not 'forever'\n"));
        assertTrue(server.output(), server.output().contains(
                "[ERROR] modftpd - " + conf + ":13: unknown configuration directive 'NoSuchDirective'\n"));
        assertFalse(server.output(), server.output().contains("listening on"));
        assertRefused(port);
    }

    @Test
    public void portInUseExitsOne() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            Path conf = dist.writeConfig("taken.conf", DistHome.loopbackConfig(port, "taken"));
            ServerProcess server = dist.start("-n", "-c", conf.toString());

            int status = server.awaitExit(DistHome.START_LIMIT);

            assertEquals(server.output(), 1, status);
            assertTrue(server.output(), server.output().contains(
                    "[ERROR] modftpd - unable to bind to 127.0.0.1:" + port + ": Address already in use\n"));
        }
    }

    static String version(ServerProcess server) {
        return server.outputLines().stream().filter(l -> l.contains(" listening on ")).findFirst()
                .map(l -> l.replaceAll(".* - modftpd (\\S+) \\(.*", "$1")).orElseThrow();
    }

    static void assertRefused(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            fail("something still listens on 127.0.0.1:" + port);
        } catch (ConnectException expected) {
            // nothing listens
        }
    }
}

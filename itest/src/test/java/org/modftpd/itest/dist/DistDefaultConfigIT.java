package org.modftpd.itest.dist;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The README's promises about the default configuration, checked on a copy of the distribution
 * whose only change is the Port line (a free port instead of 2121). The copy lives in a folder
 * whose name has a space, as installation paths sometimes do.
 */
public class DistDefaultConfigIT {

    private static DistHome dist;
    private static int port;
    private static ServerProcess server;

    @BeforeClass
    public static void startOnTheDefaultConfiguration() throws Exception {
        dist = DistHome.copy("modftpd dist");
        port = DistHome.freePort();
        Path conf = dist.path("etc/proftpd.conf");
        String original = Files.readString(conf);
        Matcher m = Pattern.compile("(?m)^Port\\s+2121$").matcher(original);
        assertTrue("the default configuration has a 'Port 2121' line:\n" + original, m.find());
        Files.writeString(conf, m.replaceFirst("Port                    " + port));
        server = dist.start("-n");
        String listening = server.awaitListening();
        assertTrue(listening, listening.endsWith(" (" + conf + ") listening on [*:" + port + "]"));
        assertFalse(server.output(), server.output().contains("[WARN]") || server.output().contains("[ERROR]"));
    }

    @AfterClass
    public static void stop() throws Exception {
        if (dist != null) {
            dist.close();
        }
    }

    private static String url(String path) {
        return "ftp://127.0.0.1:" + port + path;
    }

    @Test
    public void sampleUserFilesAreWrittenFromTheTemplatesWithMode0600() throws Exception {
        for (String name : List.of("ftpd.passwd", "ftpd.group")) {
            Path file = dist.path("etc/" + name);
            assertEquals(name, "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            String expected = Files.readString(dist.path("etc/" + name + ".template"))
                    .replace("@MODFTPD_HOME@", dist.home().toString());
            assertEquals(name, expected, Files.readString(file));
        }
        assertTrue(Files.readString(dist.path("etc/ftpd.passwd"))
                .contains(":" + dist.home() + "/srv/home/ftpuser:/bin/sh\n"));
    }

    @Test
    public void anonymousListsAndDownloadsPub() throws Exception {
        Tools.Output list = Tools.curl(dist.scratch(), url("/pub/"));
        assertEquals(list.toString(), 0, list.exitCode());
        assertTrue(list.toString(), list.stdout().lines().anyMatch(l -> l.endsWith(" README.txt")));

        Tools.Output get = Tools.curl(dist.scratch(), url("/pub/README.txt"));
        assertEquals(get.toString(), 0, get.exitCode());
        assertEquals(Files.readString(dist.path("srv/anon/pub/README.txt")), get.stdout());
    }

    @Test
    public void anonymousUploadIsRefused() throws Exception {
        Path local = Files.writeString(dist.scratch().resolve("anon-upload.txt"), "not welcome\n");

        Tools.Output put = Tools.curl(dist.scratch(), "-T", local.toString(), url("/pub/"));
        assertEquals("curl: upload failed (CURLE_UPLOAD_FAILED)\n" + put, 25, put.exitCode());

        FTPClient ftp = new FTPClient();
        ftp.setConnectTimeout(10_000);
        ftp.setDefaultTimeout(20_000);
        try {
            ftp.connect(InetAddress.getByName("127.0.0.1"), port);
            assertTrue(ftp.getReplyString(), ftp.login("anonymous", "test@example.org"));
            ftp.enterLocalPassiveMode();
            assertFalse(ftp.storeFile("pub/anon-upload.txt", new ByteArrayInputStream(new byte[] {1, 2, 3})));
            assertEquals(ftp.getReplyString(), 550, ftp.getReplyCode());
            assertFalse(ftp.makeDirectory("incoming"));
            assertEquals(ftp.getReplyString(), 550, ftp.getReplyCode());
        } finally {
            if (ftp.isConnected()) {
                ftp.disconnect();
            }
        }
        try (var files = Files.walk(dist.path("srv/anon"))) {
            assertEquals(List.of(dist.path("srv/anon"), dist.path("srv/anon/pub"), dist.path("srv/anon/pub/README.txt")),
                    files.sorted().toList());
        }
    }

    @Test
    public void ftpuserListsAndUploadsWithCurlJailedInItsHome() throws Exception {
        Tools.Output list = Tools.curl(dist.scratch(), "-u", "ftpuser:ftpuser", url("/"));
        assertEquals(list.toString(), 0, list.exitCode());
        assertTrue(list.toString(), list.stdout().lines().anyMatch(l -> l.endsWith(" README.txt")));

        byte[] payload = new byte[300_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + i / 7);
        }
        Path local = Files.write(dist.scratch().resolve("curl-upload.bin"), payload);
        Tools.Output put = Tools.curl(dist.scratch(), "-u", "ftpuser:ftpuser", "-T", local.toString(), url("/"));
        assertEquals(put.toString(), 0, put.exitCode());
        assertArrayEquals(payload, Files.readAllBytes(dist.path("srv/home/ftpuser/curl-upload.bin")));

        try (ControlSession s = ControlSession.connect(port)) {
            assertEquals("220 ProFTPD Server (modftpd default installation) [127.0.0.1]", s.greeting());
            s.expect("331", "USER ftpuser");
            s.expect("230", "PASS ftpuser");
            assertEquals("257 \"/\" is the current directory", s.send("PWD"));
            s.send("CWD ../../..");
            assertEquals("257 \"/\" is the current directory", s.send("PWD"));
            s.expect("221", "QUIT");
        }
    }

    @Test
    public void lftpListsUploadsAndDownloads() throws Exception {
        byte[] payload = "uploaded by lftp\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        Path local = Files.write(dist.scratch().resolve("lftp-upload.txt"), payload);
        Path downloaded = dist.scratch().resolve("lftp-download.txt");

        Tools.Output out = Tools.exec(dist.scratch(), List.of("lftp", "-u", "ftpuser,ftpuser", "-e",
                "set net:max-retries 1; set net:timeout 10; set cmd:fail-exit yes; ls; put " + local
                        + " -o lftp-upload.txt; get README.txt -o " + downloaded + "; quit",
                "ftp://127.0.0.1:" + port));

        assertEquals(out.toString(), 0, out.exitCode());
        assertTrue(out.toString(), out.stdout().lines().anyMatch(l -> l.endsWith(" README.txt")));
        assertArrayEquals(payload, Files.readAllBytes(dist.path("srv/home/ftpuser/lftp-upload.txt")));
        assertArrayEquals(Files.readAllBytes(dist.path("srv/home/ftpuser/README.txt")), Files.readAllBytes(downloaded));
    }

    @Test
    public void servesIpv6LoopbackToo() throws Exception {
        Assume.assumeTrue("this machine has an IPv6 loopback", ipv6Loopback());
        try (ControlSession s = ControlSession.connect("::1", port)) {
            // ProFTPD writes the address as "[::1]"; modftpd currently writes "[0:0:0:0:0:0:0:1]"
            assertTrue(s.greeting(), s.greeting().startsWith("220 ProFTPD Server (modftpd default installation) ["));
            s.expect("331", "USER anonymous");
            s.expect("230", "PASS test@example.org");
            s.expect("221", "QUIT");
        }
    }

    private static boolean ipv6Loopback() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return probe.getInetAddress() instanceof Inet6Address;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * bin/modftpd runs the server so that a large download is spliced (README, "Data connections"):
     * while the client reads nothing, the server holds the download's pipe (two pipe descriptors
     * more than before the RETR); once the client reads, every byte arrives and 226 follows.
     */
    @Test
    public void aLargeDownloadIsSplicedThroughAPipe() throws Exception {
        Assume.assumeTrue("splice(2) is Linux's", Files.isDirectory(Path.of("/proc/self/fd")));
        byte[] payload = new byte[32 << 20];
        new java.util.Random(5).nextBytes(payload);
        Files.write(dist.path("srv/home/ftpuser/spliced.bin"), payload);
        Path fds = Path.of("/proc/" + server.pid() + "/fd");
        try (ControlSession s = ControlSession.connect(port)) {
            s.expect("331", "USER ftpuser");
            s.expect("230", "PASS ftpuser");
            s.expect("200", "TYPE I");
            Matcher pasv = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)")
                    .matcher(s.expect("227", "PASV"));
            assertTrue(pasv.find());
            int dataPort = Integer.parseInt(pasv.group(5)) * 256 + Integer.parseInt(pasv.group(6));
            try (java.net.Socket data = new java.net.Socket()) {
                data.setReceiveBufferSize(64 * 1024);
                data.connect(new InetSocketAddress("127.0.0.1", dataPort), 10_000);
                data.setSoTimeout(20_000);
                long before = pipes(fds);
                s.expect("150", "RETR spliced.bin");
                long deadline = System.nanoTime() + 20_000_000_000L;
                long during = pipes(fds);
                while (during < before + 2 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    during = pipes(fds);
                }
                assertTrue("pipe descriptors of the server: " + before + " before the download, " + during + " while it waits",
                        during >= before + 2);
                byte[] received = data.getInputStream().readAllBytes();
                assertArrayEquals(payload, received);
            }
            assertTrue(s.reply().startsWith("226 "));
            s.expect("221", "QUIT");
        }
    }

    private static long pipes(Path fds) throws IOException {
        long n = 0;
        try (var entries = Files.list(fds)) {
            for (Path fd : (Iterable<Path>) entries::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("pipe:")) {
                        n++;
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed while the folder was read
                }
            }
        }
        return n;
    }
}

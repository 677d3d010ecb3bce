package org.modftpd.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.modftpd.itest.support.ProtoFiles.assertSameBytes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.ProtoControl;
import org.modftpd.itest.support.ProtoData;
import org.modftpd.itest.support.ProtoData.Mode;
import org.modftpd.itest.support.ProtoFiles;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.Reply;
import org.modftpd.itest.support.ServerTestSupport;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;

/**
 * Data transfers end to end: integrity of a 20 MB file both ways over PASV, EPSV, PORT, EPRT and
 * IPv6, ASCII conversion, REST, APPE, STOU, ABOR, HiddenStores, DeleteAbortedStores,
 * AllowOverwrite, Umask and the TransferLog.
 */
public class TransferIT extends ServerTestSupport {

    private static final int BIG = 20 << 20;
    private static final long HUGE = 256L << 20;

    /** The common prologue with the TransferLog switched on (the prologue's "TransferLog none" would win). */
    @Override
    @Configuration
    public Option[] config() throws IOException {
        Provision.Env env = Provision.environment(getClass().getSimpleName());
        String prologue = Provision.prologue(env, authOrder()).replace("TransferLog none",
                "TransferLog " + env.dir().resolve("xferlog"));
        return Provision.server(env, prologue + configuration(env) + "\n", modules());
    }

    @Override
    protected String configuration(Provision.Env env) {
        Path home = env.home("alice");
        ProtoFiles.write(home.resolve("big.bin"), ProtoFiles.random(BIG, 20));
        ProtoFiles.write(home.resolve("lf.txt"), "x\ny\r\nz\n".getBytes(StandardCharsets.US_ASCII));
        ProtoFiles.write(home.resolve("small.txt"), "small\n".getBytes(StandardCharsets.US_ASCII));
        ProtoFiles.write(home.resolve("nooverwrite/keep.txt"), "keep me\n".getBytes(StandardCharsets.US_ASCII));
        ProtoFiles.write(home.resolve("norestart/r.bin"), "0123456789".getBytes(StandardCharsets.US_ASCII));
        ProtoFiles.mkdirs(home.resolve("hidden"));
        ProtoFiles.mkdirs(home.resolve("delabort"));
        ProtoFiles.mkdirs(home.resolve("private"));
        ProtoFiles.write(home.resolve("nosendfile/big.bin"), ProtoFiles.random(BIG, 21));
        ProtoFiles.write(home.resolve("xlog-lf.txt"), "a\nb\n".getBytes(StandardCharsets.US_ASCII));
        for (String sparse : List.of("huge.bin", "xlog-huge.bin")) {
            try (RandomAccessFile f = new RandomAccessFile(home.resolve(sparse).toFile(), "rw")) {
                f.setLength(HUGE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return String.join("\n",
                "DefaultRoot ~",
                "AllowOverwrite on",
                "AllowStoreRestart on",
                "<Directory " + home.resolve("nooverwrite") + ">",
                "  AllowOverwrite off",
                "</Directory>",
                "<Directory " + home.resolve("norestart") + ">",
                "  AllowStoreRestart off",
                "</Directory>",
                "<Directory " + home.resolve("hidden") + ">",
                "  HiddenStores on",
                "</Directory>",
                "<Directory " + home.resolve("delabort") + ">",
                "  DeleteAbortedStores on",
                "</Directory>",
                "<Directory " + home.resolve("private") + ">",
                "  Umask 077",
                "</Directory>",
                "<Directory " + home.resolve("nosendfile") + ">",
                "  UseSendfile off",
                "</Directory>",
                "");
    }

    private ProtoControl alice() throws IOException {
        ProtoControl c = ProtoControl.connect(port());
        try {
            return c.login("alice", Provision.ALICE_PASSWORD);
        } catch (IOException | AssertionError e) {
            c.close();
            throw e;
        }
    }

    private Path home() {
        return home("alice");
    }

    private static void assertReply(String expected, Reply actual) {
        assertEquals(expected, actual.code() + " " + actual.text());
    }

    // ---------------------------------------------------------------- integrity

    @Test
    public void twentyMegabytesBothWaysOverEveryDataMode() throws Exception {
        byte[] big = Files.readAllBytes(home().resolve("big.bin"));
        try (ProtoControl c = alice()) {
            c.expect("TYPE I", 200, "Type set to I");
            for (Mode mode : Mode.values()) {
                ProtoData.Result down = c.download(mode, "RETR big.bin");
                assertReply("150 Opening BINARY mode data connection for big.bin (" + BIG + " bytes)",
                        down.preliminary());
                assertReply("226 Transfer complete", down.last());
                assertSameBytes("RETR over " + mode, big, down.data());

                String name = "up-" + mode + ".bin";
                ProtoData.Result up = c.upload(mode, "STOR " + name, big);
                assertReply("150 Opening BINARY mode data connection for " + name, up.preliminary());
                assertReply("226 Transfer complete", up.last());
                assertSameBytes("STOR over " + mode, big, Files.readAllBytes(home().resolve(name)));
            }
        }
    }

    @Test
    public void parallelSessionsKeepTheirBytesApart() throws Exception {
        int sessions = 16;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                int n = i;
                done.add(pool.submit(() -> {
                    byte[] content = ProtoFiles.random(1 << 20, 1000 + n);
                    Mode mode = Mode.values()[n % Mode.values().length];
                    try (ProtoControl c = alice()) {
                        c.expect("TYPE I", 200);
                        ProtoData.Result up = c.upload(mode, "STOR par-" + n + ".bin", content);
                        assertReply("226 Transfer complete", up.last());
                        assertSameBytes("session " + n, content, c.retrieve(mode, "RETR par-" + n + ".bin"));
                    }
                    assertSameBytes("disk " + n, content, Files.readAllBytes(home().resolve("par-" + n + ".bin")));
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void pasvNamesTheControlAddressAndPortRepliesAreExact() throws Exception {
        try (ProtoControl c = alice()) {
            try (ProtoData d = c.data(Mode.PASV)) {
                InetSocketAddress at = ProtoData.parse227(d.setup());
                assertEquals("127.0.0.1", at.getAddress().getHostAddress());
                assertTrue(d.setup().text(), d.setup().text().matches(
                        "Entering Passive Mode \\(127,0,0,1,\\d{1,3},\\d{1,3}\\)\\."));
            }
            try (ProtoData d = c.data(Mode.EPSV)) {
                assertTrue(d.setup().text(), d.setup().text().matches("Entering Extended Passive Mode \\(\\|\\|\\|\\d+\\|\\)"));
            }
            try (ProtoData d = c.data(Mode.PORT)) {
                assertReply("200 PORT command successful", d.setup());
            }
            try (ProtoData d = c.data(Mode.EPRT)) {
                assertReply("200 EPRT command successful", d.setup());
            }
        }
    }

    @Test
    public void ipv6EpsvAndEprtMoveTheSameBytes() throws Exception {
        byte[] big = Files.readAllBytes(home().resolve("big.bin"));
        try (ProtoControl c = ProtoControl.connect("::1", port())) {
            assertReply("220 ProFTPD Server (modftpd test) [::1]", c.greeting());
            c.login("alice", Provision.ALICE_PASSWORD);
            c.expect("TYPE I", 200, "Type set to I");

            ProtoData.Result down = c.download(Mode.EPSV, "RETR big.bin");
            assertReply("150 Opening BINARY mode data connection for big.bin (" + BIG + " bytes)", down.preliminary());
            assertReply("226 Transfer complete", down.last());
            assertSameBytes("RETR over IPv6 EPSV", big, down.data());

            try (ProtoData d = c.data(Mode.EPRT)) {
                assertTrue(c.socket().getLocalAddress().isLoopbackAddress());
                ProtoData.Result up = d.upload("STOR v6.bin", big);
                assertReply("150 Opening BINARY mode data connection for v6.bin", up.preliminary());
                assertReply("226 Transfer complete", up.last());
            }
            assertSameBytes("STOR over IPv6 EPRT", big, Files.readAllBytes(home().resolve("v6.bin")));

            // README: PASV on a true IPv6 connection is refused with 522 (ProFTPD sends a malformed 227)
            assertEquals(522, c.command("PASV").code());
            c.expect("PORT 127,0,0,1,200,10", 500, "Illegal PORT command");
            c.expect("EPRT |1|127.0.0.1|51210|", 500, "Illegal EPRT command");
        }
        String log = Files.readString(dir().resolve("system.log"));
        assertTrue(log, log.contains(" modftpd test (::1[::1]): Refused PORT 127,0,0,1,200,10 (IPv4/IPv6 address mismatch)"));
    }

    // ---------------------------------------------------------------- ASCII

    @Test
    public void asciiModeConvertsLineEndsBothWays() throws Exception {
        StringBuilder crlf = new StringBuilder();
        StringBuilder lf = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            crlf.append("line ").append(i).append("\r\n");
            lf.append("line ").append(i).append('\n');
        }
        crlf.append("lone\rcr\r\n");
        lf.append("lone\rcr\n");
        try (ProtoControl c = alice()) {
            c.expect("TYPE A", 200, "Type set to A");
            ProtoData.Result up = c.upload(Mode.PASV, "STOR ascii-up.txt", crlf.toString().getBytes(StandardCharsets.US_ASCII));
            assertReply("150 Opening ASCII mode data connection for ascii-up.txt", up.preliminary());
            assertReply("226 Transfer complete", up.last());
            assertEquals(lf.toString(), Files.readString(home().resolve("ascii-up.txt"), StandardCharsets.US_ASCII));

            ProtoData.Result small = c.download(Mode.EPSV, "RETR lf.txt");
            assertReply("150 Opening ASCII mode data connection for lf.txt (7 bytes)", small.preliminary());
            assertEquals("x\r\ny\r\nz\r\n", new String(small.data(), StandardCharsets.US_ASCII));

            byte[] back = c.retrieve(Mode.PORT, "RETR ascii-up.txt");
            assertEquals(crlf.toString(), new String(back, StandardCharsets.US_ASCII));

            c.expect("TYPE I", 200, "Type set to I");
            assertArrayEquals(lf.toString().getBytes(StandardCharsets.US_ASCII),
                    c.retrieve(Mode.PASV, "RETR ascii-up.txt"));
        }
    }

    // ---------------------------------------------------------------- REST, APPE, STOU

    @Test
    public void restResumesADownload() throws Exception {
        byte[] big = Files.readAllBytes(home().resolve("big.bin"));
        try (ProtoControl c = alice()) {
            c.expect("TYPE A", 200, "Type set to A");
            c.expect("REST 100", 501, "REST: Resuming transfers not allowed in ASCII mode");
            c.expect("TYPE I", 200, "Type set to I");
            c.expect("REST 1000", 350, "Restarting at 1000. Send STORE or RETRIEVE to initiate transfer");
            ProtoData.Result r = c.download(Mode.PASV, "RETR big.bin");
            assertReply("150 Opening BINARY mode data connection for big.bin (" + (BIG - 1000) + " bytes)",
                    r.preliminary());
            assertReply("226 Transfer complete", r.last());
            assertSameBytes("tail after REST 1000", Arrays.copyOfRange(big, 1000, BIG), r.data());

            // the offset applies to one transfer only
            assertSameBytes("RETR after a restarted RETR", big, c.retrieve(Mode.PASV, "RETR big.bin"));

            c.expect("REST " + BIG, 350);
            ProtoData.Result empty = c.download(Mode.PASV, "RETR big.bin");
            assertReply("150 Opening BINARY mode data connection for big.bin", empty.preliminary());
            assertEquals(0, empty.data().length);

            c.expect("REST " + (BIG + 1), 350);
            try (ProtoData d = c.data(Mode.PASV)) {
                assertReply("554 REST: invalid big.bin argument", d.download("RETR big.bin").last());
            }
            c.expect("REST -5", 501, "REST requires a value greater than or equal to 0");
            c.expect("REST abc", 501, "REST requires a value greater than or equal to 0");
            c.expect("REST", 500, "'REST' not understood");
        }
    }

    /** {@code UseSendfile off}: downloads read into buffers and written, whole and resumable. */
    @Test
    public void useSendfileOffStillSendsEveryByte() throws Exception {
        byte[] big = Files.readAllBytes(home().resolve("nosendfile/big.bin"));
        try (ProtoControl c = alice()) {
            c.expect("TYPE I", 200, "Type set to I");
            for (Mode mode : Mode.values()) {
                assertSameBytes("UseSendfile off over " + mode, big, c.retrieve(mode, "RETR nosendfile/big.bin"));
            }
            c.expect("REST 70000", 350);
            ProtoData.Result r = c.download(Mode.PASV, "RETR nosendfile/big.bin");
            assertReply("226 Transfer complete", r.last());
            assertSameBytes("tail after REST 70000", Arrays.copyOfRange(big, 70000, BIG), r.data());
        }
    }

    @Test
    public void restResumesAnUploadWhenAllowStoreRestartIsOn() throws Exception {
        byte[] content = ProtoFiles.random(3 << 20, 7);
        int half = content.length / 2;
        try (ProtoControl c = alice()) {
            c.expect("TYPE I", 200, "Type set to I");
            c.upload(Mode.PASV, "STOR resumed.bin", Arrays.copyOf(content, half));
            assertEquals(half, Files.size(home().resolve("resumed.bin")));
            c.expect("REST " + half, 350, "Restarting at " + half + ". Send STORE or RETRIEVE to initiate transfer");
            ProtoData.Result r = c.upload(Mode.EPSV, "STOR resumed.bin",
                    Arrays.copyOfRange(content, half, content.length));
            assertReply("150 Opening BINARY mode data connection for resumed.bin", r.preliminary());
            assertReply("226 Transfer complete", r.last());
            assertSameBytes("resumed upload", content, Files.readAllBytes(home().resolve("resumed.bin")));

            // AllowStoreRestart off (in norestart/): both REST+STOR and APPE on an existing file are refused
            c.expect("REST 5", 350);
            try (ProtoData d = c.data(Mode.PASV)) {
                assertReply("451 norestart/r.bin: Append/Restart not permitted, try again",
                        d.upload("STOR norestart/r.bin", new byte[] {1}).last());
            }
            try (ProtoData d = c.data(Mode.PASV)) {
                assertReply("451 norestart/r.bin: Append/Restart not permitted, try again",
                        d.upload("APPE norestart/r.bin", new byte[] {1}).last());
            }
            assertEquals("0123456789", Files.readString(home().resolve("norestart/r.bin")));
        }
    }

    @Test
    public void appeCreatesThenAppends() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("TYPE I", 200, "Type set to I");
            ProtoData.Result first = c.upload(Mode.PASV, "APPE app.txt", "first\n".getBytes(StandardCharsets.US_ASCII));
            assertReply("150 Opening BINARY mode data connection for app.txt", first.preliminary());
            assertReply("226 Transfer complete", first.last());
            ProtoData.Result second = c.upload(Mode.PORT, "APPE app.txt", "second\n".getBytes(StandardCharsets.US_ASCII));
            assertReply("226 Transfer complete", second.last());
            assertEquals("first\nsecond\n", Files.readString(home().resolve("app.txt")));
            // APPE on a missing file in a directory without AllowStoreRestart still creates it
            c.upload(Mode.PASV, "APPE norestart/new.txt", "n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("n", Files.readString(home().resolve("norestart/new.txt")));
        }
    }

    @Test
    public void stouStoresUnderAUniqueName() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("TYPE I", 200, "Type set to I");
            ProtoData.Result r = c.upload(Mode.PASV, "STOU", "unique\n".getBytes(StandardCharsets.US_ASCII));
            Matcher m = Pattern.compile("FILE: (ftp[A-Za-z0-9]{6})").matcher(r.preliminary().text());
            assertEquals(150, r.preliminary().code());
            assertTrue(r.preliminary().toString(), m.matches());
            assertReply("226 Transfer complete", r.last());
            Path stored = home().resolve(m.group(1));
            assertEquals("unique\n", Files.readString(stored));
            assertEquals("644", ProtoFiles.mode(stored));

            ProtoData.Result r2 = c.upload(Mode.EPSV, "STOU", new byte[0]);
            assertEquals(150, r2.preliminary().code());
            assertFalse("a second STOU gets another name", r2.preliminary().text().equals(r.preliminary().text()));

            c.expect("REST 1", 350);
            try (ProtoData d = c.data(Mode.PASV)) {
                assertReply("550 STOU incompatible with REST", d.upload("STOU", new byte[0]).last());
            }
        }
    }

    /**
     * Files about as large as what a fresh data connection takes at once, and larger, for a client
     * that reads the 150 before it reads any data: each arrives whole, between its 150 and its 226.
     */
    @Test
    public void filesAroundTheSizeSentAtOnceArriveWholeBetweenTheir150And226() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("TYPE I", 200, "Type set to I");
            for (int size : new int[] {0, 1, 4096, 65535, 65536, 65537, 3 << 20}) {
                String name = "at-once-" + size + ".bin";
                byte[] content = ProtoFiles.random(size, size);
                ProtoFiles.write(home().resolve(name), content);
                try (ProtoData d = c.data(Mode.PASV)) {
                    c.writeLine("RETR " + name);
                    assertReply("150 Opening BINARY mode data connection for " + name
                            + (size == 0 ? "" : " (" + size + (size == 1 ? " byte)" : " bytes)")), c.read());
                    assertSameBytes(name, content, d.socket().getInputStream().readAllBytes());
                    assertReply("226 Transfer complete", c.read());
                }
            }
        }
    }

    // ---------------------------------------------------------------- ABOR

    @Test
    public void aborDuringALargeRetrAnswers426Then226AndTheSessionGoesOn() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("TYPE I", 200, "Type set to I");
            for (Mode mode : List.of(Mode.PASV, Mode.PORT)) {
                try (ProtoData d = c.data(mode)) {
                    c.writeLine("RETR huge.bin");
                    assertReply("150 Opening BINARY mode data connection for huge.bin (" + HUGE + " bytes)", c.read());
                    InputStream in = d.socket().getInputStream();
                    assertEquals(65536, in.readNBytes(65536).length);
                    // answered during the transfer (README: NOOP, STAT; data commands get 450)
                    c.expect("NOOP", 200, "NOOP: data transfer in progress");
                    c.expect("PASV", 450, "PASV: data transfer in progress");
                    c.expect("RETR small.txt", 450, "RETR: data transfer in progress");
                    Reply stat = c.command("STAT");
                    assertEquals(stat.raw(), "211 End of status", stat.lines().get(stat.lines().size() - 1));
                    assertTrue(stat.raw(), stat.lines().stream().anyMatch(l -> l.startsWith(" RETR /huge.bin (" + HUGE + "/")));
                    c.writeLine("ABOR");
                    assertReply("426 Transfer aborted. Data connection closed.", c.read());
                    assertReply("226 Abort successful", c.read());
                }
                c.expect("NOOP", 200, "NOOP command successful");
                assertEquals("small\n", new String(c.retrieve(Mode.PASV, "RETR small.txt"), StandardCharsets.US_ASCII));
            }
            c.expect("ABOR", 226, "Abort successful");
        }
    }

    @Test
    public void aClientThatClosesTheDataConnectionGets426WithoutPeriod() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("TYPE I", 200);
            try (ProtoData d = c.data(Mode.PASV)) {
                c.writeLine("RETR huge.bin");
                assertEquals(150, c.read().code());
                d.socket().getInputStream().readNBytes(10_000);
                d.socket().setSoLinger(true, 0);
                d.socket().close();
                assertReply("426 Transfer aborted. Data connection closed", c.read());
            }
            c.expect("ABOR", 226, "Abort successful");
            assertEquals("small\n", new String(c.retrieve(Mode.PASV, "RETR small.txt"), StandardCharsets.US_ASCII));
        }
    }

    @Test
    public void closingTheControlConnectionEndsTheTransfer() throws Exception {
        long received = 0;
        try (ProtoControl c = alice()) {
            c.expect("TYPE I", 200);
            try (ProtoData d = c.data(Mode.PASV)) {
                c.writeLine("RETR huge.bin");
                assertEquals(150, c.read().code());
                InputStream in = d.socket().getInputStream();
                received += in.readNBytes(65536).length;
                c.close();
                // the server stops sending: end of stream (or a reset) long before the 256 MB
                byte[] buf = new byte[1 << 16];
                try {
                    for (int n = in.read(buf); n >= 0 && received < HUGE; n = in.read(buf)) {
                        received += n;
                    }
                } catch (SocketException reset) {
                    // closed by the server
                }
            }
        }
        assertTrue("the transfer went on after the client left: " + received + " bytes", received < HUGE / 2);
        try (ProtoControl c = alice()) {
            c.expect("NOOP", 200);
        }
    }

    @Test
    public void aborFromCommonsNetDuringRetrieveFileStream() throws Exception {
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD).binary().passive()) {
            FTPClient client = ftp.client();
            try (InputStream in = client.retrieveFileStream("huge.bin")) {
                assertEquals(ftp.last().toString(), 150, client.getReplyCode());
                assertEquals(1 << 20, in.readNBytes(1 << 20).length);
                assertEquals(426, client.sendCommand("ABOR"));
                assertEquals("426 Transfer aborted. Data connection closed.", client.getReplyString().strip());
                assertEquals(226, client.getReply());
                assertEquals("226 Abort successful", client.getReplyString().strip());
            }
            assertEquals(200, client.sendCommand("NOOP"));
            assertEquals("small\n", new String(ftp.retrieve("small.txt"), StandardCharsets.US_ASCII));
        }
    }

    @Test
    public void abortedStoresAreKeptOrDeletedAsConfigured() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("TYPE I", 200, "Type set to I");
            for (String name : List.of("kept.bin", "delabort/gone.bin", "hidden/aborted.bin")) {
                try (ProtoData d = c.data(Mode.PASV)) {
                    c.writeLine("STOR " + name);
                    assertReply("150 Opening BINARY mode data connection for " + name, c.read());
                    OutputStream out = d.socket().getOutputStream();
                    out.write(new byte[10_000]);
                    out.flush();
                    c.writeLine("ABOR");
                    assertReply("426 Transfer aborted. Data connection closed.", c.read());
                    assertReply("226 Abort successful", c.read());
                }
            }
            c.expect("NOOP", 200);
            assertTrue("without DeleteAbortedStores the partial file stays", Files.exists(home().resolve("kept.bin")));
            assertFalse("DeleteAbortedStores on", Files.exists(home().resolve("delabort/gone.bin")));
            assertFalse(Files.exists(home().resolve("hidden/aborted.bin")));
            assertFalse("an aborted hidden store leaves no temporary file",
                    Files.exists(home().resolve("hidden/.in.aborted.bin.")));
        }
    }

    // ---------------------------------------------------------------- HiddenStores, AllowOverwrite, Umask

    @Test
    public void hiddenStoresWriteUnderATemporaryNameThenRename() throws Exception {
        byte[] content = ProtoFiles.random(2 << 20, 3);
        Path hidden = home().resolve("hidden/.in.h.bin.");
        Path target = home().resolve("hidden/h.bin");
        try (ProtoControl c = alice()) {
            c.expect("TYPE I", 200, "Type set to I");
            try (ProtoData d = c.data(Mode.PASV)) {
                c.writeLine("STOR hidden/h.bin");
                assertReply("150 Opening BINARY mode data connection for hidden/h.bin", c.read());
                assertTrue("the upload goes to .in.h.bin.", Files.exists(hidden));
                assertFalse("the final name appears only when the upload is complete", Files.exists(target));
                try (OutputStream out = d.socket().getOutputStream()) {
                    out.write(content);
                }
                assertReply("226 Transfer complete", c.read());
            }
            assertFalse(Files.exists(hidden));
            assertSameBytes("hidden store", content, Files.readAllBytes(target));
            assertEquals(List.of("h.bin"), listNames(home().resolve("hidden")));

            c.expect("REST 10", 350);
            try (ProtoData d = c.data(Mode.PASV)) {
                assertReply("501 REST not compatible with server configuration",
                        d.upload("STOR hidden/h.bin", new byte[1]).last());
            }
        }
    }

    private static List<String> listNames(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    public void allowOverwriteOffRefusesToReplaceAFile() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("TYPE I", 200, "Type set to I");
            try (ProtoData d = c.data(Mode.PASV)) {
                assertReply("550 nooverwrite/keep.txt: Overwrite permission denied",
                        d.upload("STOR nooverwrite/keep.txt", new byte[] {'x'}).last());
            }
            assertEquals("keep me\n", Files.readString(home().resolve("nooverwrite/keep.txt")));
            // a new file in the same directory is fine, and AllowOverwrite on elsewhere replaces
            c.upload(Mode.PASV, "STOR nooverwrite/new.txt", new byte[] {'n'});
            c.upload(Mode.PASV, "STOR over.txt", "one".getBytes(StandardCharsets.US_ASCII));
            ProtoData.Result r = c.upload(Mode.PASV, "STOR over.txt", "two".getBytes(StandardCharsets.US_ASCII));
            assertReply("226 Transfer complete", r.last());
            assertEquals("two", Files.readString(home().resolve("over.txt")));
        }
    }

    @Test
    public void umaskSetsModesOfNewFilesAndDirectories() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("TYPE I", 200, "Type set to I");
            c.upload(Mode.PASV, "STOR private/p.txt", new byte[] {'p'});
            c.expect("MKD private/sub", 257, "\"/private/sub\" - Directory successfully created");
            c.upload(Mode.PASV, "STOR public.txt", new byte[] {'p'});
            c.expect("MKD pubdir", 257, "\"/pubdir\" - Directory successfully created");
        }
        assertEquals("600", ProtoFiles.mode(home().resolve("private/p.txt")));
        assertEquals("700", ProtoFiles.mode(home().resolve("private/sub")));
        assertEquals("644", ProtoFiles.mode(home().resolve("public.txt")));
        assertEquals("755", ProtoFiles.mode(home().resolve("pubdir")));
    }

    // ---------------------------------------------------------------- TransferLog

    @Test
    public void transferLogHasOneXferlogLinePerTransfer() throws Exception {
        byte[] content = ProtoFiles.random(1234, 9);
        String real = home().toAbsolutePath().toString();
        try (ProtoControl c = alice()) {
            c.expect("TYPE I", 200, "Type set to I");
            c.upload(Mode.PASV, "STOR xlog.bin", content);
            c.retrieve(Mode.EPSV, "RETR xlog.bin");
            c.expect("TYPE A", 200);
            c.retrieve(Mode.PASV, "RETR xlog-lf.txt");
            c.expect("TYPE I", 200);
            try (ProtoData d = c.data(Mode.PASV)) {
                c.writeLine("RETR xlog-huge.bin");
                assertEquals(150, c.read().code());
                d.socket().getInputStream().readNBytes(1000);
                c.writeLine("ABOR");
                assertEquals(426, c.read().code());
                assertEquals(226, c.read().code());
            }
            c.expect("DELE xlog.bin", 250, "DELE command successful");
            c.upload(Mode.PASV, "STOR xlog tab\there.txt", new byte[] {'t'});
            c.expect("TYPE A", 200);
            c.expect("DELE xlog tab\there.txt", 250, "DELE command successful");
        }
        List<String> lines = Files.readAllLines(dir().resolve("xferlog"));
        String stamp = "[A-Z][a-z]{2} [A-Z][a-z]{2} \\d{2} \\d{2}:\\d{2}:\\d{2} \\d{4} \\d+ 127\\.0\\.0\\.1 ";
        assertLine(lines, stamp + "1234 " + Pattern.quote(real + "/xlog.bin") + " b _ i r alice ftp 0 \\* c");
        assertLine(lines, stamp + "1234 " + Pattern.quote(real + "/xlog.bin") + " b _ o r alice ftp 0 \\* c");
        assertLine(lines, stamp + "\\d+ " + Pattern.quote(real + "/xlog-lf.txt") + " a _ o r alice ftp 0 \\* c");
        assertLine(lines, stamp + "\\d+ " + Pattern.quote(real + "/xlog-huge.bin") + " b _ o r alice ftp 0 \\* i");
        assertLine(lines, "[A-Z][a-z]{2} [A-Z][a-z]{2} \\d{2} \\d{2}:\\d{2}:\\d{2} \\d{4} 0 127\\.0\\.0\\.1 1234 "
                + Pattern.quote(real + "/xlog.bin") + " b _ d r alice ftp 0 \\* c");
        // whitespace and control characters in names become '_'; DELE logs the session's TYPE
        assertLine(lines, stamp + "1 " + Pattern.quote(real + "/xlog_tab_here.txt") + " b _ i r alice ftp 0 \\* c");
        assertLine(lines, stamp.replace("\\d+ 127", "0 127") + "1 " + Pattern.quote(real + "/xlog_tab_here.txt")
                + " a _ d r alice ftp 0 \\* c");
    }

    private static void assertLine(List<String> lines, String regex) {
        long n = lines.stream().filter(l -> l.matches(regex)).count();
        assertEquals("one xferlog line matching " + regex + " in\n" + String.join("\n", lines), 1, n);
    }
}

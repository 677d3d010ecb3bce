package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.modftpd.itest.support.ProtoFiles.assertSameBytes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.Test;
import org.modftpd.itest.support.ProtoFiles;
import org.modftpd.itest.support.ProtoProcess;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;

/** The real command-line clients against the server: curl in every data mode and over IPv6, and lftp. */
public class CurlLftpIT extends ServerTestSupport {

    private static final int SIZE = 8 << 20;
    private static final long LIMIT_SECONDS = 120;

    @Override
    protected String configuration(Provision.Env env) {
        Path home = env.home("alice");
        ProtoFiles.write(home.resolve("data.bin"), ProtoFiles.random(SIZE, 11));
        ProtoFiles.write(home.resolve("notes.txt"), "some notes\n".getBytes(StandardCharsets.US_ASCII));
        ProtoFiles.mkdirs(home.resolve("docs"));
        return "DefaultRoot ~\nAllowOverwrite on\n";
    }

    private Path client(String name) throws IOException {
        return Files.createDirectories(dir().resolve("client").resolve(name));
    }

    private ProtoProcess.Outcome curl(Path workDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-v", "--fail", "--connect-timeout", "10",
                "--max-time", "60", "-u", "alice:" + Provision.ALICE_PASSWORD));
        cmd.addAll(Arrays.asList(args));
        return ProtoProcess.run(workDir, LIMIT_SECONDS, Map.of(), cmd);
    }

    private String url(String path) {
        return "ftp://127.0.0.1:" + port() + "/" + path;
    }

    private byte[] data() throws IOException {
        return Files.readAllBytes(home("alice").resolve("data.bin"));
    }

    // ---------------------------------------------------------------- curl

    @Test
    public void curlDownloadsInEveryDataMode() throws Exception {
        byte[] expected = data();
        Path work = client("curl-modes");
        record Case(String name, String command, List<String> options) {
        }
        for (Case c : List.of(new Case("epsv", "EPSV", List.of()),
                new Case("pasv", "PASV", List.of("--disable-epsv")),
                new Case("port", "PORT", List.of("-P", "-", "--disable-eprt")),
                new Case("eprt", "EPRT", List.of("-P", "-")))) {
            List<String> args = new ArrayList<>(c.options());
            args.addAll(List.of("-o", c.name() + ".bin", url("data.bin")));
            ProtoProcess.Outcome out = curl(work, args.toArray(String[]::new)).assertSuccess();
            assertTrue(c.name() + " used " + c.command() + ": " + out, out.stderr().contains("> " + c.command()));
            assertTrue(out.toString(), out.stderr().contains(
                    "< 150 Opening BINARY mode data connection for data.bin (" + SIZE + " bytes)"));
            assertSameBytes("curl " + c.name(), expected, Files.readAllBytes(work.resolve(c.name() + ".bin")));
        }
    }

    @Test
    public void curlOverIpv6() throws Exception {
        byte[] expected = data();
        Path work = client("curl-v6");
        String v6 = "ftp://[::1]:" + port() + "/";
        ProtoProcess.Outcome out = curl(work, "-g", "--ftp-pasv", "-o", "v6.bin", v6 + "data.bin").assertSuccess();
        assertTrue(out.toString(), out.stderr().contains("< 220 ProFTPD Server (modftpd test) [::1]"));
        assertTrue(out.toString(), out.stderr().contains("> EPSV"));
        assertSameBytes("curl over ::1", expected, Files.readAllBytes(work.resolve("v6.bin")));

        Path upload = ProtoFiles.write(work.resolve("v6-up.bin"), ProtoFiles.random(1 << 20, 12));
        curl(work, "-g", "-P", "-", "-T", upload.toString(), v6 + "v6-up.bin").assertSuccess();
        assertSameBytes("curl upload over ::1 (EPRT)", Files.readAllBytes(upload),
                Files.readAllBytes(home("alice").resolve("v6-up.bin")));
    }

    @Test
    public void curlUploads() throws Exception {
        Path work = client("curl-up");
        byte[] content = ProtoFiles.random(3 << 20, 13);
        Path local = ProtoFiles.write(work.resolve("up.bin"), content);
        ProtoProcess.Outcome out = curl(work, "-T", local.toString(), "--ftp-create-dirs", url("uploads/up.bin"))
                .assertSuccess();
        assertTrue(out.toString(), out.stderr().contains("< 257 \"/uploads\" - Directory successfully created"));
        assertSameBytes("curl -T", content, Files.readAllBytes(home("alice").resolve("uploads/up.bin")));

        curl(work, "-P", "-", "--disable-eprt", "-T", local.toString(), url("up-active.bin")).assertSuccess();
        assertSameBytes("curl -P - -T", content, Files.readAllBytes(home("alice").resolve("up-active.bin")));

        // curl --use-ascii sends TYPE A and turns each LF into CRLF on the wire; the server stores LF
        Path text = ProtoFiles.write(work.resolve("lf.txt"), "a\nb\n".getBytes(StandardCharsets.US_ASCII));
        ProtoProcess.Outcome ascii = curl(work, "--use-ascii", "-T", text.toString(), url("ascii.txt")).assertSuccess();
        assertTrue(ascii.toString(), ascii.stderr().contains("< 150 Opening ASCII mode data connection for ascii.txt"));
        assertEquals("a\nb\n", Files.readString(home("alice").resolve("ascii.txt")));
    }

    @Test
    public void curlListsDirectories() throws Exception {
        Path work = client("curl-ls");
        ProtoProcess.Outcome list = curl(work, url("")).assertSuccess();
        List<String> lines = list.stdout().lines().toList();
        assertTrue(list.toString(), lines.stream().anyMatch(l -> l.matches(
                "-rw-r--r-- +1 \\S+ +\\S+ +" + SIZE + " [A-Z][a-z]{2} [ 1-3]\\d [ \\d]\\d:\\d\\d data\\.bin")));
        assertTrue(list.toString(), lines.stream().anyMatch(l -> l.startsWith("drwx") && l.endsWith(" docs")));

        ProtoProcess.Outcome names = curl(work, "-l", url("")).assertSuccess();
        Set<String> got = new TreeSet<>(names.stdout().lines().toList());
        Set<String> expected = new TreeSet<>();
        try (Stream<Path> s = Files.list(home("alice"))) {
            s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).forEach(expected::add);
        }
        assertEquals(expected, got);
    }

    // ---------------------------------------------------------------- lftp

    private ProtoProcess.Outcome lftp(Path work, String... commands) throws Exception {
        String script = String.join("; ", List.of("set cmd:fail-exit yes", "set net:timeout 10",
                "set net:max-retries 2", "set net:reconnect-interval-base 1", "set ftp:ssl-allow no",
                "set xfer:clobber yes", "open -u alice," + Provision.ALICE_PASSWORD + " ftp://127.0.0.1:" + port()))
                + "; " + String.join("; ", commands);
        return ProtoProcess.run(work, LIMIT_SECONDS, Map.of("HOME", work.toString()),
                List.of("lftp", "--norc", "-c", script));
    }

    @Test
    public void lftpListsGetsPutsAndMirrors() throws Exception {
        Path work = client("lftp");
        byte[] put = ProtoFiles.random(2 << 20, 14);
        ProtoFiles.write(work.resolve("put.bin"), put);
        Path tree = work.resolve("tree");
        ProtoFiles.write(tree.resolve("a.txt"), "alpha\n".getBytes(StandardCharsets.US_ASCII));
        ProtoFiles.write(tree.resolve("sub/b.bin"), ProtoFiles.random(100_000, 15));
        ProtoFiles.write(tree.resolve("sub/deeper/c.txt"), "gamma\r\nwith crlf\r\n".getBytes(StandardCharsets.US_ASCII));
        ProtoFiles.write(tree.resolve("sub/deeper/empty.txt"), new byte[0]);
        ProtoFiles.mkdirs(tree.resolve("emptydir"));

        ProtoProcess.Outcome out = lftp(work, "ls", "get data.bin -o " + work.resolve("got.bin"),
                "put " + work.resolve("put.bin") + " -o put.bin", "mirror -R " + tree + " tree", "cls -1 tree")
                .assertSuccess();
        assertTrue(out.toString(), out.stdout().lines().anyMatch(l -> l.startsWith("-rw-r--r--")
                && l.contains(" " + SIZE + " ") && l.endsWith(" data.bin")));
        assertTrue(out.toString(), out.stdout().lines().anyMatch(l -> l.equals("tree/a.txt")));
        assertSameBytes("lftp get", data(), Files.readAllBytes(work.resolve("got.bin")));
        assertSameBytes("lftp put", put, Files.readAllBytes(home("alice").resolve("put.bin")));
        assertSameTree(tree, home("alice").resolve("tree"));
    }

    private static void assertSameTree(Path local, Path remote) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(local)) {
            all = s.toList();
        }
        for (Path p : all) {
            Path r = remote.resolve(local.relativize(p).toString());
            if (Files.isDirectory(p)) {
                assertTrue("directory " + r, Files.isDirectory(r));
            } else {
                assertSameBytes("mirrored " + local.relativize(p), Files.readAllBytes(p), Files.readAllBytes(r));
            }
        }
        try (Stream<Path> s = Files.walk(remote)) {
            assertEquals("entries under " + remote, all.size(), s.count());
        }
    }
}

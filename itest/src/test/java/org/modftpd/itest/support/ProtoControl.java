package org.modftpd.itest.support;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A control connection driven by hand over a plain socket: the test writes exact bytes and reads
 * reply lines itself, so replies, their order and their folding are seen as the wire carries them.
 * Every read is bounded by a socket timeout.
 */
public final class ProtoControl implements AutoCloseable {

    /** How long one read may block before the test fails. */
    public static final int READ_TIMEOUT_MILLIS = 20_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Reply greeting;

    private ProtoControl(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.greeting = read();
    }

    public static ProtoControl connect(int port) throws IOException {
        return connect("127.0.0.1", port);
    }

    public static ProtoControl connect(String host, int port) throws IOException {
        return connectFrom(null, host, port);
    }

    /** Connects from a chosen local address ({@code null}: any). */
    public static ProtoControl connectFrom(String localAddress, String host, int port) throws IOException {
        Socket s = new Socket();
        try {
            if (localAddress != null) {
                s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            }
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 10_000);
            return new ProtoControl(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public Reply greeting() {
        return greeting;
    }

    public Socket socket() {
        return socket;
    }

    public InetAddress localAddress() {
        return socket.getLocalAddress();
    }

    /** Writes raw bytes as they are. */
    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes a command line (UTF-8) followed by CRLF. */
    public void writeLine(String line) throws IOException {
        write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a command and reads its reply. */
    public Reply command(String line) throws IOException {
        writeLine(line);
        return read();
    }

    /** Sends a command and asserts the code and the text of the last line of its reply. */
    public Reply expect(String line, int code, String text) throws IOException {
        Reply r = command(line);
        assertEquals("reply to " + line, code + " " + text, r.code() + " " + r.text());
        return r;
    }

    /** Sends a command and asserts the code of its reply. */
    public Reply expect(String line, int code) throws IOException {
        Reply r = command(line);
        assertEquals("reply to " + line + ": " + r, code, r.code());
        return r;
    }

    public ProtoControl login(String user, String password) throws IOException {
        expect("USER " + user, 331);
        expect("PASS " + password, 230);
        return this;
    }

    /**
     * Reads one whole reply: a single line {@code NNN text}, or {@code NNN-first} and every line up to
     * {@code NNN last}. Fails (with an IOException) at end of stream or after the read timeout.
     */
    public Reply read() throws IOException {
        String first = readLine();
        if (first == null) {
            throw new IOException("connection closed while waiting for a reply");
        }
        if (first.length() < 4 || !first.substring(0, 3).chars().allMatch(Character::isDigit)) {
            throw new IOException("not a reply line: '" + first + "'");
        }
        int code = Integer.parseInt(first.substring(0, 3));
        List<String> lines = new ArrayList<>();
        lines.add(first);
        if (first.charAt(3) == '-') {
            String end = code + " ";
            for (int i = 0; i < 100_000; i++) {
                String l = readLine();
                if (l == null) {
                    throw new IOException("connection closed inside a multi-line reply: " + lines);
                }
                lines.add(l);
                if (l.startsWith(end)) {
                    return new Reply(code, lines);
                }
            }
            throw new IOException("multi-line reply does not end: " + lines.subList(0, 5));
        }
        return new Reply(code, lines);
    }

    /** Exactly {@code n} raw bytes (for what is not a reply line, like Telnet negotiation). */
    public byte[] readBytes(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new IOException("connection closed after " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
    }

    /** One line without its CRLF (UTF-8), or null at end of stream. Fails if a line lacks the CR. */
    public String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int i = 0; i < 1 << 20; i++) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                if (bytes.length == 0 || bytes[bytes.length - 1] != '\r') {
                    throw new IOException("reply line not ended by CRLF: " + line.toString(StandardCharsets.UTF_8));
                }
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        throw new IOException("reply line longer than 1 MB");
    }

    /**
     * Waits (bounded by the read timeout) for the server to close the connection; returns the bytes it
     * sent before closing, or throws if it kept the connection open.
     */
    public byte[] awaitClose() throws IOException {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int i = 0; i < 10_000; i++) {
                int n = in.read(buf);
                if (n < 0) {
                    return rest.toByteArray();
                }
                rest.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open; it sent: "
                    + rest.toString(StandardCharsets.UTF_8));
        } catch (IOException reset) {
            return rest.toByteArray();
        }
        throw new AssertionError("the server kept talking");
    }

    /** Opens a data connection for the next transfer command in the given mode. */
    public ProtoData data(ProtoData.Mode mode) throws IOException {
        return ProtoData.prepare(this, mode);
    }

    /** Sends a transfer command; on 150 reads the data and the final reply. */
    public ProtoData.Result download(ProtoData.Mode mode, String line) throws IOException {
        try (ProtoData d = data(mode)) {
            return d.download(line);
        }
    }

    /** Sends a store command; on 150 writes the data, closes the data connection and reads the final reply. */
    public ProtoData.Result upload(ProtoData.Mode mode, String line, byte[] content) throws IOException {
        try (ProtoData d = data(mode)) {
            return d.upload(line, content);
        }
    }

    /** Asserts that a download succeeds with 150 and 226 and returns the bytes. */
    public byte[] retrieve(ProtoData.Mode mode, String line) throws IOException {
        ProtoData.Result r = download(mode, line);
        assertEquals(line + ": " + r, 150, r.preliminary().code());
        assertNotNull(r.data());
        assertEquals(line + ": " + r, "226 Transfer complete", r.last().code() + " " + r.last().text());
        return r.data();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the test is done with this connection
        }
    }
}

package org.modftpd.itest.dist;

import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A raw FTP control connection over loopback: exact reply lines, and the end of the connection is
 * visible (commons-net turns a 421 into an exception), which the shutdown tests need.
 */
final class ControlSession implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private final String greeting;

    private ControlSession(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
        this.greeting = reply();
    }

    /** Connects to 127.0.0.1:{@code port} (10 s to connect, 20 s per read) and reads the greeting. */
    static ControlSession connect(int port) throws IOException {
        return connect("127.0.0.1", port);
    }

    static ControlSession connect(String host, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), 10_000);
            s.setSoTimeout(20_000);
            return new ControlSession(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** The whole greeting reply (its last line for multi-line replies). */
    String greeting() {
        return greeting;
    }

    /** Sends one command and returns the last line of its reply. */
    String send(String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return reply();
    }

    /** Sends a command and asserts the reply starts with {@code code}. */
    String expect(String code, String command) throws IOException {
        String r = send(command);
        assertTrue("reply to " + command + ": " + r, r.startsWith(code + " "));
        return r;
    }

    /** Reads one reply; returns its last line, or null at the end of the connection. */
    String reply() throws IOException {
        String line = in.readLine();
        if (line == null) {
            return null;
        }
        if (line.length() >= 4 && line.charAt(3) == '-') {
            String end = line.substring(0, 3) + " ";
            while (line != null && !line.startsWith(end)) {
                line = in.readLine();
            }
        }
        return line;
    }

    /** Reads one raw line, or null at the end of the connection. */
    String readLine() throws IOException {
        return in.readLine();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

package org.modftpd.itest.support;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One data connection of a {@link ProtoControl} session, set up with PASV, EPSV, PORT or EPRT. Passive
 * connections are made as soon as the server names its port (before the transfer command), active ones
 * are accepted on a listener of the test bound to the control connection's local address.
 */
public final class ProtoData implements Closeable {

    /** How the data connection is set up. */
    public enum Mode { PASV, EPSV, PORT, EPRT }

    /** The replies of a transfer command and the bytes that went over the data connection. */
    public record Result(Reply preliminary, byte[] data, Reply last) {
        @Override
        public String toString() {
            return preliminary + " | " + (data == null ? "no data" : data.length + " bytes") + " | " + last;
        }
    }

    private static final Pattern PASV = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)");
    private static final Pattern EPSV = Pattern.compile("\\(\\|\\|\\|(\\d+)\\|\\)");

    private final ProtoControl control;
    private final Reply setup;
    private final ServerSocket listener;
    private Socket socket;

    private ProtoData(ProtoControl control, Reply setup, ServerSocket listener, Socket socket) {
        this.control = control;
        this.setup = setup;
        this.listener = listener;
        this.socket = socket;
    }

    /** The address of a 227 reply. */
    public static InetSocketAddress parse227(Reply r) throws IOException {
        Matcher m = PASV.matcher(r.text());
        if (r.code() != 227 || !m.find()) {
            throw new IOException("not a PASV reply: " + r);
        }
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) {
            a[i] = (byte) Integer.parseInt(m.group(i + 1));
        }
        int port = Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
        return new InetSocketAddress(InetAddress.getByAddress(a), port);
    }

    /** The port of a 229 reply. */
    public static int parse229(Reply r) throws IOException {
        Matcher m = EPSV.matcher(r.text());
        if (r.code() != 229 || !m.find()) {
            throw new IOException("not an EPSV reply: " + r);
        }
        return Integer.parseInt(m.group(1));
    }

    /** The PORT argument for an IPv4 address and port. */
    public static String portArgument(InetAddress a, int port) {
        byte[] b = a.getAddress();
        return (b[0] & 0xFF) + "," + (b[1] & 0xFF) + "," + (b[2] & 0xFF) + "," + (b[3] & 0xFF) + "," + (port >> 8)
                + "," + (port & 0xFF);
    }

    /** The EPRT argument for an address and port. */
    public static String eprtArgument(InetAddress a, int port) {
        String host = a instanceof Inet6Address && a.isLoopbackAddress() ? "::1"
                : a.getHostAddress().replaceAll("%.*$", "");
        return "|" + (a instanceof Inet6Address ? 2 : 1) + "|" + host + "|" + port + "|";
    }

    static ProtoData prepare(ProtoControl control, Mode mode) throws IOException {
        switch (mode) {
            case PASV -> {
                Reply r = control.command("PASV");
                InetSocketAddress at = parse227(r);
                return new ProtoData(control, r, null, connect(at));
            }
            case EPSV -> {
                Reply r = control.command("EPSV");
                int port = parse229(r);
                return new ProtoData(control, r, null, connect(new InetSocketAddress(
                        control.socket().getInetAddress(), port)));
            }
            default -> {
                InetAddress local = control.localAddress();
                ServerSocket l = new ServerSocket(0, 4, local);
                try {
                    l.setSoTimeout(ProtoControl.READ_TIMEOUT_MILLIS);
                    String line = mode == Mode.PORT ? "PORT " + portArgument(local, l.getLocalPort())
                            : "EPRT " + eprtArgument(local, l.getLocalPort());
                    Reply r = control.command(line);
                    assertEquals(line + ": " + r, 200, r.code());
                    return new ProtoData(control, r, l, null);
                } catch (IOException | RuntimeException | AssertionError e) {
                    l.close();
                    throw e;
                }
            }
        }
    }

    private static Socket connect(InetSocketAddress at) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(at, 10_000);
            s.setSoTimeout(ProtoControl.READ_TIMEOUT_MILLIS);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** The reply to PASV, EPSV, PORT or EPRT. */
    public Reply setup() {
        return setup;
    }

    /** The data connection (accepted now for active modes). */
    public Socket socket() throws IOException {
        if (socket == null) {
            socket = listener.accept();
            socket.setSoTimeout(ProtoControl.READ_TIMEOUT_MILLIS);
        }
        return socket;
    }

    /** Sends a command that sends data to the client and reads both replies and the data. */
    public Result download(String line) throws IOException {
        control.writeLine(line);
        Reply first = control.read();
        if (first.code() >= 200) {
            return new Result(first, null, first);
        }
        byte[] data = readAll(socket().getInputStream());
        return new Result(first, data, control.read());
    }

    /** Sends a command that receives data, writes the content and reads both replies. */
    public Result upload(String line, byte[] content) throws IOException {
        control.writeLine(line);
        Reply first = control.read();
        if (first.code() >= 200) {
            return new Result(first, null, first);
        }
        Socket s = socket();
        OutputStream out = s.getOutputStream();
        for (int off = 0; off < content.length; off += 1 << 16) {
            out.write(content, off, Math.min(1 << 16, content.length - off));
        }
        out.flush();
        s.close();
        return new Result(first, content, control.read());
    }

    /** Every byte until end of stream (bounded by the socket timeout). */
    public static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        for (int i = 0; i < 1 << 20; i++) {
            int n = in.read(buf);
            if (n < 0) {
                return out.toByteArray();
            }
            out.write(buf, 0, n);
        }
        throw new IOException("data stream does not end");
    }

    @Override
    public void close() {
        try {
            if (socket != null) {
                socket.close();
            }
            if (listener != null) {
                listener.close();
            }
        } catch (IOException ignored) {
            // done with this data connection
        }
    }
}

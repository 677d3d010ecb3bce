package org.modftpd.pgsocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A {@link Socket} over a Unix domain {@link SocketChannel} (which has no socket adaptor of its own),
 * with what the PostgreSQL driver uses: connect, streams, close, and the socket options it sets.
 * Reads block as channel reads do, which parks a virtual thread instead of pinning it; a read
 * timeout below one second (the driver's check for pending notifications) is a non-blocking peek.
 * Longer timeouts do not apply: a local server that stops answering is not detected by a timeout.
 */
final class UnixSocket extends Socket {

    private final Path path;
    private volatile SocketChannel channel;
    private volatile int soTimeout;
    private volatile boolean closed;
    private final Object blockingLock = new Object();

    UnixSocket(Path path) throws SocketException {
        super((SocketImpl) null);
        this.path = path;
    }

    @Override
    public void connect(SocketAddress ignored) throws IOException {
        connect(ignored, 0);
    }

    @Override
    public void connect(SocketAddress ignored, int timeout) throws IOException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            ch.close();
            throw new IOException("unable to connect to " + path + ": " + e.getMessage(), e);
        }
        channel = ch;
    }

    private SocketChannel open() throws SocketException {
        SocketChannel ch = channel;
        if (ch == null || closed) {
            throw new SocketException(closed ? "Socket is closed" : "Socket is not connected");
        }
        return ch;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        SocketChannel ch = open();
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                int timeout = soTimeout;
                if (timeout > 0 && timeout < 1000) {
                    synchronized (blockingLock) {
                        ch.configureBlocking(false);
                        try {
                            int n = ch.read(buf);
                            if (n == 0) {
                                throw new SocketTimeoutException("Read timed out");
                            }
                            return n;
                        } finally {
                            ch.configureBlocking(true);
                        }
                    }
                }
                return ch.read(buf);
            }

            @Override
            public void close() throws IOException {
                UnixSocket.this.close();
            }
        };
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        SocketChannel ch = open();
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }

            @Override
            public void close() throws IOException {
                UnixSocket.this.close();
            }
        };
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        SocketChannel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    @Override
    public boolean isConnected() {
        SocketChannel ch = channel;
        return ch != null && ch.isConnected();
    }

    @Override
    public boolean isBound() {
        return isConnected();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isInputShutdown() {
        return closed;
    }

    @Override
    public boolean isOutputShutdown() {
        return closed;
    }

    @Override
    public void shutdownInput() throws IOException {
        open().shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        open().shutdownOutput();
    }

    @Override
    public void setSoTimeout(int timeout) {
        soTimeout = Math.max(0, timeout);
    }

    @Override
    public int getSoTimeout() {
        return soTimeout;
    }

    // TCP options have no meaning on a Unix socket: accepted and ignored

    @Override
    public void setTcpNoDelay(boolean on) {
    }

    @Override
    public boolean getTcpNoDelay() {
        return true;
    }

    @Override
    public void setKeepAlive(boolean on) {
    }

    @Override
    public boolean getKeepAlive() {
        return false;
    }

    @Override
    public void setSoLinger(boolean on, int linger) {
    }

    @Override
    public int getSoLinger() {
        return -1;
    }

    @Override
    public void setReceiveBufferSize(int size) {
    }

    @Override
    public int getReceiveBufferSize() {
        return 65536;
    }

    @Override
    public void setSendBufferSize(int size) {
    }

    @Override
    public int getSendBufferSize() {
        return 65536;
    }

    @Override
    public InetAddress getInetAddress() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public int getPort() {
        return 0;
    }

    @Override
    public int getLocalPort() {
        return -1;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return UnixDomainSocketAddress.of(path);
    }

    @Override
    public String toString() {
        return "UnixSocket[" + path + (isConnected() ? ", connected" : "") + "]";
    }
}

package org.modftpd.core.internal.session;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ThreadLocalRandom;
import org.modftpd.core.internal.modules.CoreDirectives.PortRange;
import org.modftpd.core.internal.protocol.Addresses;

/**
 * The data-connection setup of one session: a passive listener (PASV/EPSV) or an active target
 * (PORT/EPRT). Each listener or target serves one transfer, as in ProFTPD.
 */
public final class DataChannel {

    /** What the passive port search did, so the caller can log a fallback. */
    public record Listening(int port, boolean fellBack) {
    }

    private final SessionImpl session;
    private ServerSocketChannel passive;
    private InetSocketAddress active;
    private volatile boolean epsvAll;

    DataChannel(SessionImpl session) {
        this.session = session;
    }

    public boolean epsvAll() {
        return epsvAll;
    }

    public void epsvAll(boolean on) {
        this.epsvAll = on;
    }

    /**
     * Opens a passive listener on {@code bind}, on a random port of {@code range} when given; when every
     * port of the range is taken it falls back to any port.
     */
    public synchronized Listening listen(InetAddress bind, PortRange range) throws IOException {
        closeQuietly();
        Passive p = openPassive(bind, range);
        passive = p.channel();
        active = null;
        return new Listening(((InetSocketAddress) p.channel().getLocalAddress()).getPort(), p.fellBack());
    }

    /** A listening passive socket, and whether it is outside the range (every port of it was taken). */
    record Passive(ServerSocketChannel channel, boolean fellBack) {
    }

    static Passive openPassive(InetAddress bind, PortRange range) throws IOException {
        if (range != null) {
            ServerSocketChannel inRange = bindInRange(bind, range);
            if (inRange != null) {
                return new Passive(inRange, false);
            }
        }
        ServerSocketChannel ch = open(bind);
        try {
            ch.bind(new InetSocketAddress(bind, 0), 1);
            return new Passive(ch, range != null);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static ServerSocketChannel open(InetAddress bind) throws IOException {
        return ServerSocketChannel.open(bind instanceof Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
    }

    /**
     * Tries every port of the range once, starting at a random one with a random odd stride, each
     * with a socket of its own: bind(2) can succeed where listen(2) then fails (two sessions that bind
     * the same port at once, both before either listens), and a socket left bound that way takes no
     * other port.
     */
    private static ServerSocketChannel bindInRange(InetAddress bind, PortRange range) throws IOException {
        int count = range.max() - range.min() + 1;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int start = random.nextInt(count);
        int stride = coprimeStride(count, random);
        for (int i = 0; i < count; i++) {
            int port = range.min() + (int) ((start + (long) i * stride) % count);
            ServerSocketChannel ch = open(bind);
            try {
                ch.bind(new InetSocketAddress(bind, port), 1);
                return ch;
            } catch (BindException taken) {
                ch.close();
            } catch (IOException | RuntimeException e) {
                ch.close();
                return null;
            }
        }
        return null;
    }

    private static int coprimeStride(int count, ThreadLocalRandom random) {
        if (count <= 2) {
            return 1;
        }
        for (int attempt = 0; attempt < 32; attempt++) {
            int s = 1 + random.nextInt(count - 1);
            if (gcd(s, count) == 1) {
                return s;
            }
        }
        return 1;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    public synchronized void activeTarget(InetSocketAddress target) {
        closeQuietly();
        active = target;
    }

    /** Whether PASV/EPSV or PORT/EPRT was given for the next transfer. */
    public synchronized boolean prepared() {
        return passive != null || active != null;
    }

    /**
     * Opens the data connection: accepts on the passive listener (refusing connections from other
     * addresses unless {@code allowForeign}), or connects to the active target (or, with neither,
     * to the client's control address as RFC 959 says).
     */
    SocketChannel open(TransferControl control, boolean allowForeign, long timeoutMillis) throws IOException {
        ServerSocketChannel listener;
        InetSocketAddress target;
        synchronized (this) {
            listener = passive;
            target = active;
            passive = null;
            active = null;
        }
        if (listener != null) {
            control.attach(listener);
            try (listener) {
                return accept(listener, allowForeign, timeoutMillis, control);
            }
        }
        if (target == null) {
            target = session.remoteAddress();
            session.log().debug("Client has not sent previous PORT/EPRT command, defaulting to "
                    + Addresses.text(target.getAddress()) + ":" + target.getPort());
        }
        control.watch();
        SocketChannel ch = SocketChannel.open(target.getAddress() instanceof Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        control.attach(ch);
        try {
            InetAddress local = session.localAddress().getAddress();
            if (sameFamily(local, target.getAddress())) {
                ch.bind(new InetSocketAddress(local, 0));
            }
            ch.socket().connect(target, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeoutMillis)));
            tune(ch);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private SocketChannel accept(ServerSocketChannel listener, boolean allowForeign, long timeoutMillis,
            TransferControl control) throws IOException {
        InetAddress expected = SessionImpl.plain(session.remoteAddress().getAddress());
        // the client usually connects right after the 227, so the connection is most often queued
        // already: take it without waiting (and without watching the control channel yet)
        listener.configureBlocking(false);
        boolean blocking = false;
        while (true) {
            SocketChannel ch;
            if (!blocking) {
                ch = listener.accept();
                if (ch == null) {
                    control.watch();
                    listener.configureBlocking(true);
                    listener.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeoutMillis)));
                    blocking = true;
                    continue;
                }
            } else {
                try {
                    ch = listener.socket().accept().getChannel();
                } catch (SocketTimeoutException e) {
                    throw new IOException("Connection timed out", e);
                }
            }
            InetAddress peer = SessionImpl.plain(((InetSocketAddress) ch.getRemoteAddress()).getAddress());
            if (allowForeign || peer.equals(expected)) {
                // Nagle only ever holds data back while earlier data is unacknowledged: a transfer that
                // writes everything at once and shuts down (unwatched) never needs the option
                control.whenWatched(() -> tuneQuietly(ch));
                return ch;
            }
            session.log().notice("SECURITY VIOLATION: Passive connection from foreign IP address "
                    + Addresses.text(peer) + " rejected");
            ch.close();
        }
    }

    private static void tune(SocketChannel ch) throws IOException {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    private static void tuneQuietly(SocketChannel ch) {
        try {
            tune(ch);
        } catch (IOException ignored) {
            // a connection that is already gone fails at its next write
        }
    }

    private static boolean sameFamily(InetAddress a, InetAddress b) {
        return (a instanceof Inet4Address) == (b instanceof Inet4Address);
    }

    /** Drops a prepared listener or target (after ABOR, REIN or at disconnect). */
    public synchronized void closeQuietly() {
        if (passive != null) {
            try {
                passive.close();
            } catch (IOException ignored) {
                // the listener is gone either way
            }
            passive = null;
        }
        active = null;
    }
}

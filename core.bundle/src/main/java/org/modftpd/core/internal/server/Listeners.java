package org.modftpd.core.internal.server;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.modftpd.core.internal.config.Configuration;
import org.modftpd.core.internal.config.ServerConfig;
import org.modftpd.core.internal.modules.CoreDirectives;
import org.modftpd.core.internal.protocol.Addresses;

/**
 * The listening sockets for a configuration: one wildcard socket per port, or one per address with
 * {@code SocketBindTight on}. Applying a new configuration opens what is new before closing what
 * is gone, so a reload never refuses connections on ports that stay.
 */
final class Listeners {

    private final Map<InetSocketAddress, ServerSocketChannel> open = new HashMap<>();
    private final Consumer<SocketChannel> accepted;
    private final Consumer<String> log;

    Listeners(Consumer<SocketChannel> accepted, Consumer<String> log) {
        this.accepted = accepted;
        this.log = log;
    }

    /** The addresses a configuration wants bound. */
    static Set<InetSocketAddress> wanted(Configuration c) {
        boolean tight = c.mainServer().node().directives(CoreDirectives.SOCKET_BIND_TIGHT.name()).stream()
                .anyMatch(e -> e.value(CoreDirectives.SOCKET_BIND_TIGHT));
        boolean ipv6 = c.mainServer().node().directives(CoreDirectives.USE_IPV6.name()).stream()
                .map(e -> e.value(CoreDirectives.USE_IPV6)).findFirst().orElse(true);
        Set<InetSocketAddress> want = new LinkedHashSet<>();
        for (ServerConfig s : c.servers()) {
            if (s.port() == 0) {
                continue;
            }
            if (tight && !s.addresses().isEmpty()) {
                for (InetAddress a : s.addresses()) {
                    want.add(new InetSocketAddress(a, s.port()));
                }
            } else {
                want.add(new InetSocketAddress(wildcard(ipv6), s.port()));
            }
        }
        return want;
    }

    private static InetAddress wildcard(boolean ipv6) {
        try {
            return ipv6 && ipv6Available() ? InetAddress.getByName("::") : InetAddress.getByName("0.0.0.0");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean ipv6Available() {
        try (ServerSocketChannel probe = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Binds every wanted address that is not bound yet, then closes the ones no longer wanted.
     *
     * @throws IOException naming the address that could not be bound; nothing is closed then
     */
    synchronized void apply(Set<InetSocketAddress> wanted, int backlog) throws IOException {
        apply(wanted, backlog, false);
    }

    /**
     * As {@link #apply(Set, int)}; every socket is bound with SO_REUSEPORT so that a later server can
     * take the ports over. Unless {@code takeover}, a port some other socket already listens on is
     * refused ("address in use", as ProFTPD would) rather than silently shared.
     */
    synchronized void apply(Set<InetSocketAddress> wanted, int backlog, boolean takeover) throws IOException {
        List<InetSocketAddress> added = new ArrayList<>();
        for (InetSocketAddress a : wanted) {
            if (open.containsKey(a)) {
                continue;
            }
            ServerSocketChannel ch = ServerSocketChannel.open(a.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            try {
                if (!takeover) {
                    refuseIfInUse(a);
                }
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                if (ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                ch.bind(a, backlog);
            } catch (IOException e) {
                ch.close();
                for (InetSocketAddress undo : added) {
                    close(undo);
                }
                throw new IOException("unable to bind to " + describe(a) + ": " + e.getMessage(), e);
            }
            open.put(a, ch);
            added.add(a);
            Thread.ofVirtual().name("ftp-listener-" + a.getPort()).start(() -> acceptLoop(a, ch));
        }
        for (InetSocketAddress a : new ArrayList<>(open.keySet())) {
            if (!wanted.contains(a)) {
                close(a);
            }
        }
    }

    /** Binds (and releases) a plain socket, which fails when anything listens there already. */
    private static void refuseIfInUse(InetSocketAddress a) throws IOException {
        if (a.getPort() == 0) {
            return;
        }
        try (ServerSocketChannel probe = ServerSocketChannel.open(a.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)) {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(a, 1);
        }
    }

    private void acceptLoop(InetSocketAddress address, ServerSocketChannel ch) {
        while (ch.isOpen()) {
            try {
                accepted.accept(ch.accept());
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                log.accept("accept on " + describe(address) + " failed: " + e.getMessage());
            }
        }
    }

    private void close(InetSocketAddress a) {
        ServerSocketChannel ch = open.remove(a);
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing listens there any more either way
            }
        }
    }

    synchronized void closeAll() {
        for (InetSocketAddress a : new ArrayList<>(open.keySet())) {
            close(a);
        }
    }

    /** The bound addresses with their actual ports. */
    synchronized List<InetSocketAddress> bound() {
        List<InetSocketAddress> result = new ArrayList<>();
        for (ServerSocketChannel ch : open.values()) {
            try {
                result.add((InetSocketAddress) ch.getLocalAddress());
            } catch (IOException ignored) {
                // closed meanwhile
            }
        }
        return result;
    }

    static String describe(InetSocketAddress a) {
        String host = a.getAddress().isAnyLocalAddress() ? "*" : Addresses.text(a.getAddress());
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}

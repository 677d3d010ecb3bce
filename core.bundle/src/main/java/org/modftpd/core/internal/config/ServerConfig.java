package org.modftpd.core.internal.config;

import java.net.InetAddress;
import java.util.List;
import org.modftpd.core.internal.modules.CoreDirectives;

/**
 * One server: the main server or a {@code <VirtualHost>}, with {@code <Global>} folded in.
 *
 * @param node        its context (directives, anonymous sites, directories, limits)
 * @param addresses   addresses it answers on; empty means every local address
 * @param port        its port (0 disables it)
 * @param mainServer  whether this is the server-config level rather than a virtual host
 */
public record ServerConfig(ContextNode node, List<InetAddress> addresses, int port, boolean mainServer) {

    public ServerConfig {
        addresses = List.copyOf(addresses);
    }

    public String name() {
        List<DirectiveEntry> names = node.directives(CoreDirectives.SERVER_NAME.name());
        return names.isEmpty() ? CoreDirectives.SERVER_NAME.defaultValue()
                : names.get(0).value(CoreDirectives.SERVER_NAME);
    }

    public boolean defaultServer() {
        List<DirectiveEntry> d = node.directives(CoreDirectives.DEFAULT_SERVER.name());
        return !d.isEmpty() && d.get(0).value(CoreDirectives.DEFAULT_SERVER);
    }

    /** Identifies this server across reloads: counts of sessions per server (MaxClients) use it. */
    public String key() {
        return mainServer ? "main:" + port : "vhost:" + addresses + ":" + port;
    }

    /** Whether a connection that arrived on this local address and port belongs here. */
    public boolean answers(InetAddress local, int localPort) {
        if (port != localPort || port == 0) {
            return false;
        }
        if (addresses.isEmpty()) {
            return true;
        }
        for (InetAddress a : addresses) {
            if (a.equals(local) || a.isAnyLocalAddress()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return (mainServer ? "main server" : "<VirtualHost " + addresses + ">") + " '" + name() + "' port " + port;
    }
}

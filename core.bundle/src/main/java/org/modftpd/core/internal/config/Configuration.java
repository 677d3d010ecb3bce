package org.modftpd.core.internal.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * A validated, immutable configuration: the servers, the classes, and the modules it was checked
 * against. Sessions keep the instance they started with.
 *
 * @param source        the parse tree it was built from, kept to rebuild when modules change
 * @param origin        the file (or a description of the embedded default)
 * @param servers       the main server first, then virtual hosts in file order
 * @param classes       the {@code <Class>} contexts in definition order
 * @param loadedModules the modules present when it was built
 * @param generation    increases with every configuration the server builds
 */
public record Configuration(Node.Section source, String origin, List<ServerConfig> servers, List<ContextNode> classes,
        Set<String> loadedModules, long generation) {

    public Configuration {
        servers = List.copyOf(servers);
        classes = List.copyOf(classes);
        loadedModules = Set.copyOf(loadedModules);
    }

    public ServerConfig mainServer() {
        return servers.get(0);
    }

    /**
     * The server for a connection handed over by inetd, where ports mean nothing: a virtual host
     * bound to that address, else the main server.
     */
    public ServerConfig serverForInherited(InetAddress local) {
        for (ServerConfig s : servers) {
            if (!s.mainServer() && s.addresses().contains(local)) {
                return s;
            }
        }
        return mainServer();
    }

    /**
     * The server for a connection: the one bound to that address and port, else the
     * {@code DefaultServer} on that port, else null (no server for that address).
     */
    public ServerConfig serverFor(InetAddress local, int port) {
        ServerConfig wildcardMatch = null;
        for (ServerConfig s : servers) {
            if (s.port() != port || s.port() == 0) {
                continue;
            }
            if (!s.addresses().isEmpty() && s.answers(local, port)) {
                return s;
            }
            if (s.addresses().isEmpty() && wildcardMatch == null) {
                wildcardMatch = s;
            }
        }
        for (ServerConfig s : servers) {
            if (s.port() == port && s.defaultServer()) {
                return s;
            }
        }
        return wildcardMatch;
    }
}

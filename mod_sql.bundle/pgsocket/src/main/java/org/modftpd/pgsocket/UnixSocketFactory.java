package org.modftpd.pgsocket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import javax.net.SocketFactory;

/**
 * A {@link SocketFactory} for the PostgreSQL JDBC driver's {@code socketFactory} property: every socket
 * it makes connects to one Unix domain socket (the {@code socketFactoryArg}, for example
 * {@code /var/run/postgresql/.s.PGSQL.5432}), whatever host and port the driver asks for. mod_sql sets
 * both properties for {@code SQLConnectInfo db@/directory[:port]}.
 */
public final class UnixSocketFactory extends SocketFactory {

    private final Path path;

    /** The driver calls this with {@code socketFactoryArg}. */
    public UnixSocketFactory(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("socketFactoryArg must name the Unix socket file");
        }
        this.path = Path.of(path);
    }

    @Override
    public Socket createSocket() throws IOException {
        return new UnixSocket(path);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(null);
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return createSocket((String) null, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return createSocket((String) null, port);
    }
}

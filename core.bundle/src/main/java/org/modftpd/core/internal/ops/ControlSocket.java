package org.modftpd.core.internal.ops;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * ftpdctl's channel: a Unix domain socket, readable and writable by its owner only. A client sends
 * one line of words and reads the answer until the server closes the connection.
 */
public final class ControlSocket implements AutoCloseable {

    private static final int MAX_REQUEST = 4096;
    private static final long MAX_DISCARD = 1 << 20;

    private final Path path;
    private final ServerSocketChannel server;
    private final Function<List<String>, String> operations;
    private final Consumer<String> log;

    private ControlSocket(Path path, ServerSocketChannel server, Function<List<String>, String> operations,
            Consumer<String> log) {
        this.path = path;
        this.server = server;
        this.operations = operations;
        this.log = log;
    }

    /**
     * Binds the socket, replacing a stale socket file left by a server that is gone.
     *
     * @throws IOException when the path is in use by a running server or cannot be bound
     */
    public static ControlSocket open(Path path, Function<List<String>, String> operations, Consumer<String> log)
            throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (Files.exists(path)) {
            if (answering(path)) {
                throw new IOException("control socket " + path + " is in use by another running server");
            }
            Files.deleteIfExists(path);
        }
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            ch.close();
            throw new IOException("unable to bind control socket " + path + ": " + e.getMessage(), e);
        }
        ControlSocket socket = new ControlSocket(path, ch, operations, log);
        Thread.ofVirtual().name("modftpd-controls").start(socket::acceptLoop);
        return socket;
    }

    private static boolean answering(Path path) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().name("modftpd-control-client").start(() -> serve(client));
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                log.accept("control socket " + path + ": accept failed: " + e.getMessage());
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            String line = readLine(client);
            if (line == null) {
                write(client, "request too long or not terminated by a newline (at most " + MAX_REQUEST + " bytes)\n");
                return;
            }
            List<String> words = Arrays.stream(line.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList();
            String answer;
            try {
                answer = operations.apply(words);
            } catch (RuntimeException e) {
                log.accept("control action '" + line.strip() + "' failed: " + e);
                answer = "error: " + e.getMessage() + "\n";
            }
            write(client, answer.endsWith("\n") ? answer : answer + "\n");
        } catch (IOException e) {
            log.accept("control socket client: " + e.getMessage());
        }
    }

    /**
     * One request line, or null when it is longer than {@link #MAX_REQUEST}; an over-long line is read
     * to its end (at most {@link #MAX_DISCARD} bytes) so that closing never resets the client.
     */
    private static String readLine(SocketChannel client) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        long total = 0;
        while (total <= MAX_DISCARD) {
            buf.clear();
            int n = client.read(buf);
            if (n < 0) {
                return total == 0 || total > MAX_REQUEST ? null : line.toString(StandardCharsets.UTF_8);
            }
            for (int i = 0; i < n; i++) {
                byte b = buf.get(i);
                if (b == '\n') {
                    return total > MAX_REQUEST ? null : line.toString(StandardCharsets.UTF_8);
                }
                if (++total <= MAX_REQUEST) {
                    line.write(b);
                }
            }
        }
        return null;
    }

    private static void write(SocketChannel client, String text) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            client.write(out);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.accept("unable to remove control socket " + path + ": " + e.getMessage());
        }
    }
}

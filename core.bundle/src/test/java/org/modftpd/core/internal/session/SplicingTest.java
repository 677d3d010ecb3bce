package org.modftpd.core.internal.session;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads spliced through a pipe, on the machine's C library, to a real socket on loopback. */
class SplicingTest {

    @BeforeAll
    static void onLinux() {
        assumeTrue("Linux".equals(System.getProperty("os.name")), "splice(2) is Linux's");
        assertTrue(Splicing.available(), "on Linux with the server's JVM options, downloads are spliced");
    }

    /**
     * A client that reads nothing at first fills the socket: the splice waits for it (the virtual
     * thread parks, it does not spin), and every byte arrives in order once the client reads.
     */
    @Test
    void aSlowClientGetsTheWholeFileInOrder(@TempDir Path dir) throws Exception {
        byte[] content = new byte[8 << 20];
        new Random(3).nextBytes(content);
        Path file = Files.write(dir.resolve("big.bin"), content);
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        BufferPool waits = waits();
        ByteBuffer pooled = waits.take();
        waits.give(pooled);
        try (ServerSocketChannel listener = listener(); SocketChannel client = slowClient(listener);
                SocketChannel data = accept(listener)) {
            CompletableFuture<Long> sent = new CompletableFuture<>();
            Thread sender = Thread.ofVirtual().start(() -> {
                try (Splicing.Splice splice = Splicing.open(file, key, data, waits)) {
                    assertNotNull(splice, "a regular file is spliced");
                    long position = 0;
                    while (position < content.length) {
                        long n = splice.send(position, 3 << 20);
                        assertTrue(n > 0, "the file ended early");
                        position += n;
                    }
                    sent.complete(position);
                } catch (Throwable t) {
                    sent.completeExceptionally(t);
                }
            });
            Downloads.assertSenderWaits(sender, sent, () -> "the sender did not wait for the client");
            Downloads.assertReceivedWhole(client, content, sent);
        }
        // the full socket's bytes went through the pool's buffer, and the buffer went back to the pool
        ByteBuffer back = waits.take();
        assertSame(pooled, back, "the pool's buffer was not given back");
        byte[] head = new byte[16];
        back.get(head);
        assertTrue(indexOf(content, head) >= 0, "the pool's buffer holds no bytes of the file");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A file that is not the one the checks looked at (replaced in between) is not spliced. */
    @Test
    void aFileReplacedAfterItWasLookedAtIsNotSpliced(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("checked.bin"), new byte[100_000]);
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        Path other = Files.write(dir.resolve("other.bin"), new byte[100_000]);
        Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);
        try (ServerSocketChannel listener = listener();
                SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                SocketChannel data = listener.accept()) {
            CompletableFuture<Splicing.Splice> opened = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    opened.complete(Splicing.open(file, key, data, waits()));
                } catch (Throwable t) {
                    opened.completeExceptionally(t);
                }
            });
            assertNull(opened.get(20, TimeUnit.SECONDS));
        }
    }

    /**
     * A splice waiting for a client that reads nothing ends with an error when another thread
     * aborts the transfer (ABOR, a kick), instead of holding its thread.
     */
    @Test
    void anAbortFromAnotherThreadEndsAWaitingSplice(@TempDir Path dir) throws Exception {
        byte[] content = new byte[16 << 20];
        Path file = Files.write(dir.resolve("big.bin"), content);
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        try (ServerSocketChannel listener = listener(); SocketChannel client = slowClient(listener);
                SocketChannel data = accept(listener)) {
            TransferControl control = new TransferControl("RETR", "/big.bin", content.length);
            control.attach(data);
            CompletableFuture<Long> sent = new CompletableFuture<>();
            Thread sender = Thread.ofVirtual().start(() -> {
                try (Splicing.Splice splice = Splicing.open(file, key, data, waits())) {
                    long position = 0;
                    while (position < content.length) {
                        position += splice.send(position, content.length - position);
                    }
                    sent.complete(position);
                } catch (Throwable t) {
                    sent.completeExceptionally(t);
                }
            });
            Downloads.assertSenderWaits(sender, sent, () -> "the sender did not wait for the client");

            control.abort("test");
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> sent.get(20, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, failed.getCause());
        }
    }

    /** A client whose small receive buffer fills soon when it reads nothing. */
    private static SocketChannel slowClient(ServerSocketChannel listener) throws IOException {
        SocketChannel client = SocketChannel.open();
        client.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
        client.connect(listener.getLocalAddress());
        return client;
    }

    /** The server's side, with a small send buffer. */
    private static SocketChannel accept(ServerSocketChannel listener) throws IOException {
        SocketChannel data = listener.accept();
        data.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
        return data;
    }

    /** The pool a download's waits borrow from, as the server's small-file pool. */
    private static BufferPool waits() {
        return new BufferPool(Transfers.SMALL_FILE, Transfers.SMALL_FILE, 1);
    }

    private static ServerSocketChannel listener() throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return listener;
    }
}

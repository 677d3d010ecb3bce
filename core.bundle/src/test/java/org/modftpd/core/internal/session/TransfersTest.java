package org.modftpd.core.internal.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransfersTest {

    /**
     * A file announced small that is larger when it is read (it grew in between) is sent by the
     * small-file path first, which writes without blocking: on a virtual thread the JDK then keeps
     * the socket non-blocking underneath, where sendfile returns at once when the socket is full.
     * The sender must wait for the client then, not spin.
     */
    @Test
    void aFileThatGrewAfterItWasLookedAtWaitsForASlowClientInsteadOfSpinning(@TempDir Path dir) throws Exception {
        byte[] content = new byte[8 << 20];
        new Random(7).nextBytes(content);
        Path file = Files.write(dir.resolve("growing.log"), content);
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel client = SocketChannel.open();
            client.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
            client.connect(listener.getLocalAddress());
            try (client; SocketChannel data = listener.accept();
                    FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                data.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
                TransferControl control = new TransferControl("RETR", "/growing.log", 1000);
                BufferPool small = new BufferPool(Transfers.SMALL_FILE, Transfers.SMALL_FILE, 1);
                CompletableFuture<Long> sent = new CompletableFuture<>();
                Thread sender = Thread.ofVirtual().start(() -> {
                    try {
                        sent.complete(Transfers.sendBinary(in, null, null, 0, 1000, data, control, small, null));
                    } catch (Throwable t) {
                        sent.completeExceptionally(t);
                    }
                });

                // the client reads nothing yet: the sender fills the socket and has to wait
                Downloads.assertSenderWaits(sender, sent,
                        () -> "the sender kept running while the client read nothing (sent " + control.bytes() + " bytes)");
                assertTrue(control.bytes() < content.length, "the socket took the whole file without the client");

                Downloads.assertReceivedWhole(client, content, sent);
            }
        }
    }

    /**
     * With buffers given ({@code UseSendfile off}), a large file goes through one of them, read and
     * written, instead of sendfile: the pool gets its buffer back holding the file's last chunk.
     */
    @Test
    void withBuffersALargeFileIsReadIntoAPooledBufferAndWritten(@TempDir Path dir) throws Exception {
        int chunk = 256 * 1024;
        byte[] content = new byte[4 * chunk + 1000];
        new Random(11).nextBytes(content);
        Path file = Files.write(dir.resolve("large.bin"), content);
        BufferPool buffers = new BufferPool(chunk, 1024, 1);
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel client = SocketChannel.open(listener.getLocalAddress());
            try (client; SocketChannel data = listener.accept();
                    FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                TransferControl control = new TransferControl("RETR", "/large.bin", content.length);
                BufferPool small = new BufferPool(Transfers.SMALL_FILE, Transfers.SMALL_FILE, 1);
                CompletableFuture<Long> sent = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> {
                    try {
                        sent.complete(Transfers.sendBinary(in, null, null, 0, content.length, data, control, small, buffers));
                    } catch (Throwable t) {
                        sent.completeExceptionally(t);
                    }
                });
                Downloads.assertReceivedWhole(client, content, sent);
            }
        }
        ByteBuffer returned = buffers.take();
        byte[] head = new byte[1000];
        returned.get(head);
        assertArrayEquals(Arrays.copyOfRange(content, 4 * chunk, content.length), head,
                "the file did not go through the pool's buffer");
    }
}

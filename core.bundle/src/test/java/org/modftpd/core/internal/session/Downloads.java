package org.modftpd.core.internal.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** What the download tests check from the client's side, and of the sending thread. */
final class Downloads {

    private Downloads() {
    }

    /** Waits (20 s at most) until the sender parks, and fails when it does not. */
    static void assertSenderWaits(Thread sender, CompletableFuture<?> done, Supplier<String> message) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sender.getState() != Thread.State.WAITING && !done.isDone() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(Thread.State.WAITING, sender.getState(), message);
    }

    /** The client reads the whole file, byte for byte, and the sender counts all of it as sent. */
    static void assertReceivedWhole(SocketChannel client, byte[] content, CompletableFuture<Long> sent)
            throws Exception {
        ByteBuffer received = ByteBuffer.allocate(content.length);
        while (received.hasRemaining()) {
            assertTrue(client.read(received) > 0, "the data connection ended early");
        }
        assertEquals(content.length, sent.get(20, TimeUnit.SECONDS));
        assertArrayEquals(content, received.array());
    }
}

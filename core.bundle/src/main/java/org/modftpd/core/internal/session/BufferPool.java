package org.modftpd.core.internal.session;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers for data transfers, so a transfer does not allocate native memory each time. At
 * most {@code keep} large buffers ever exist; transfers beyond that many at once get a small buffer
 * of their own (left to the garbage collector), so a thousand concurrent uploads do not ask for a
 * thousand large blocks of native memory.
 */
public final class BufferPool {
    private final int size;
    private final int overflowSize;
    private final int keep;
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger created = new AtomicInteger();

    public BufferPool(int size, int overflowSize, int keep) {
        this.size = size;
        this.overflowSize = overflowSize;
        this.keep = keep;
    }

    public ByteBuffer take() {
        ByteBuffer b = free.poll();
        if (b != null) {
            b.clear();
            return b;
        }
        if (created.incrementAndGet() <= keep) {
            return ByteBuffer.allocateDirect(size);
        }
        created.decrementAndGet();
        return ByteBuffer.allocateDirect(overflowSize);
    }

    public void give(ByteBuffer b) {
        if (b.capacity() == size) {
            free.offer(b);
        }
    }
}

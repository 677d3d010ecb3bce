package org.modftpd.core.internal.session;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** A small pool of direct buffers for data transfers, so a transfer does not allocate native memory. */
public final class BufferPool {
    private final int size;
    private final int keep;
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooled = new AtomicInteger();

    public BufferPool(int size, int keep) {
        this.size = size;
        this.keep = keep;
    }

    public ByteBuffer take() {
        ByteBuffer b = free.poll();
        if (b == null) {
            return ByteBuffer.allocateDirect(size);
        }
        pooled.decrementAndGet();
        b.clear();
        return b;
    }

    public void give(ByteBuffer b) {
        if (pooled.incrementAndGet() <= keep) {
            free.offer(b);
        } else {
            pooled.decrementAndGet();
        }
    }
}

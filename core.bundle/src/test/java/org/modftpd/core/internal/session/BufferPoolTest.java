package org.modftpd.core.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BufferPoolTest {

    @Test
    void atMostKeepLargeBuffersExistAndTheRestAreSmall() {
        BufferPool pool = new BufferPool(4096, 512, 3);
        List<ByteBuffer> inUse = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            inUse.add(pool.take());
        }
        assertEquals(List.of(4096, 4096, 4096, 512, 512), inUse.stream().map(ByteBuffer::capacity).toList());
        inUse.forEach(pool::give);

        // the large ones come back (cleared); the small ones were not kept, and no fourth large one is made
        ByteBuffer again = pool.take();
        assertEquals(4096, again.capacity());
        assertEquals(0, again.position());
        List<ByteBuffer> next = new ArrayList<>(List.of(again, pool.take(), pool.take(), pool.take()));
        assertEquals(List.of(4096, 4096, 4096, 512), next.stream().map(ByteBuffer::capacity).toList());
        assertSame(inUse.get(0), next.get(0));
    }
}

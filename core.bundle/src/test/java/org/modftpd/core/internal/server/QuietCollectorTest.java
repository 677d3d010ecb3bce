package org.modftpd.core.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QuietCollectorTest {

    private final AtomicInteger collections = new AtomicInteger();
    private final QuietCollector collector = new QuietCollector(collections::incrementAndGet);

    @Test
    void anIdleServerIsNeverCollected() {
        for (int i = 0; i < 10; i++) {
            collector.tick();
        }
        assertEquals(0, collections.get());
    }

    @Test
    void collectsOnceAtTheFirstQuietTickAfterActivity() {
        collector.activity();
        collector.tick(); // the tick that saw the activity
        assertEquals(0, collections.get());
        collector.tick(); // a whole tick without any
        assertEquals(1, collections.get());
        for (int i = 0; i < 10; i++) {
            collector.tick();
        }
        assertEquals(1, collections.get());
    }

    @Test
    void aBusyServerIsNotCollected() {
        for (int i = 0; i < 10; i++) {
            collector.activity();
            collector.tick();
        }
        assertEquals(0, collections.get());
        collector.tick();
        assertEquals(1, collections.get());
    }

    @Test
    void collectsAgainAfterTheNextBurst() {
        collector.activity();
        collector.tick();
        collector.tick();
        collector.activity();
        collector.activity();
        collector.tick();
        collector.tick();
        assertEquals(2, collections.get());
    }
}

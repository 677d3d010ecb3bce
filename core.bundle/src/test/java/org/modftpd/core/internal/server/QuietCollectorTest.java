package org.modftpd.core.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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

    @Test
    void onlyAJvmWithConcurrentExplicitCollectionsIsAsked() {
        assertFalse(QuietCollector.concurrentExplicitCollections(List.of("-XX:+UseG1GC", "-Xmx1g")));
        assertTrue(QuietCollector.concurrentExplicitCollections(
                List.of("-XX:+UseG1GC", "-XX:+ExplicitGCInvokesConcurrent", "-XX:MaxHeapFreeRatio=20")));
        // the last one wins, as with the JVM (JAVA_OPTS come after bin/modftpd's options)
        assertFalse(QuietCollector.concurrentExplicitCollections(
                List.of("-XX:+ExplicitGCInvokesConcurrent", "-XX:-ExplicitGCInvokesConcurrent")));
        assertTrue(QuietCollector.concurrentExplicitCollections(
                List.of("-XX:-ExplicitGCInvokesConcurrent", "-XX:+ExplicitGCInvokesConcurrent")));
    }
}

package org.modftpd.core.internal.server;

import java.util.List;

/**
 * Asks the JVM for one garbage collection once the server has gone quiet: no command and no session
 * started or ended for one whole tick after some were. A burst of logins leaves a grown heap behind;
 * with {@code bin/modftpd}'s options ({@code -XX:+ExplicitGCInvokesConcurrent} and a low
 * {@code MaxHeapFreeRatio}) the collection runs concurrently and the heap shrinks after it. This takes
 * the place of G1's periodic collection, which repeats every interval for as long as the server
 * idles and also interrupts a busy server whose young collections are further apart than the
 * interval. Only a JVM started with {@code -XX:+ExplicitGCInvokesConcurrent} is asked (elsewhere
 * {@code System.gc()} would stop every session for a full collection); {@code -XX:+DisableExplicitGC}
 * turns it off too.
 */
final class QuietCollector {
    private final Runnable collect;
    private volatile boolean active;
    /** Timer thread only. */
    private boolean collectWhenQuiet;

    QuietCollector(Runnable collect) {
        this.collect = collect;
    }

    /**
     * Whether JVM options ask for explicit collections to be concurrent (the last
     * {@code -XX:±ExplicitGCInvokesConcurrent} wins, as with the JVM).
     */
    static boolean concurrentExplicitCollections(List<String> jvmOptions) {
        boolean concurrent = false;
        for (String option : jvmOptions) {
            if (option.equals("-XX:+ExplicitGCInvokesConcurrent")) {
                concurrent = true;
            } else if (option.equals("-XX:-ExplicitGCInvokesConcurrent")) {
                concurrent = false;
            }
        }
        return concurrent;
    }

    /** Something happened (called from every session; cheap when already marked). */
    void activity() {
        if (!active) {
            active = true;
        }
    }

    /** Called once per tick on the timer thread; collects at the first quiet tick after activity. */
    void tick() {
        if (active) {
            active = false;
            collectWhenQuiet = true;
        } else if (collectWhenQuiet) {
            collectWhenQuiet = false;
            collect.run();
        }
    }
}

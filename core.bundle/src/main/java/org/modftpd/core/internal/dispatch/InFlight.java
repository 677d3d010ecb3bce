package org.modftpd.core.internal.dispatch;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts calls that are inside one module revision, so its removal can wait for them to return.
 * Once the revision is draining it admits no new call: a caller that looked the module up before it
 * left (from a table or an auth chain it already held) is turned away rather than let into a module
 * that is being deactivated.
 */
final class InFlight {
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean draining;

    /**
     * Admits a call unless the revision is draining. The count is raised before the flag is read and
     * {@link #drain} sets the flag before it reads the count, so either the caller sees the flag or
     * the drain sees the caller.
     */
    boolean enter() {
        calls.incrementAndGet();
        if (draining) {
            exit();
            return false;
        }
        return true;
    }

    void exit() {
        if (calls.decrementAndGet() == 0 && draining) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Refuses new calls from now on. */
    void close() {
        draining = true;
    }

    /** Refuses new calls, then waits until no call is inside, at most {@code limit}; returns the number still inside. */
    int drain(Duration limit) throws InterruptedException {
        close();
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (this) {
            while (calls.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
        return calls.get();
    }
}

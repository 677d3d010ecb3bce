package org.modftpd.core.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerTimerTest {

    @Test
    void aCancelledTimeoutLeavesTheQueueAtOnce() {
        ScheduledExecutorService timer = FtpServer.newTimer();
        try {
            for (int i = 0; i < 1000; i++) {
                ScheduledFuture<?> stall = timer.schedule(() -> { }, 1, TimeUnit.HOURS);
                stall.cancel(false);
            }
            assertEquals(0, ((ScheduledThreadPoolExecutor) timer).getQueue().size());
        } finally {
            timer.shutdownNow();
        }
    }
}

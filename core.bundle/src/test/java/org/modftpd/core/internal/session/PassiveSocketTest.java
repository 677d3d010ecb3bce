package org.modftpd.core.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.modftpd.core.internal.modules.CoreDirectives.PortRange;

class PassiveSocketTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aTakenRangeFallsBackToAnyPort() throws Exception {
        try (ServerSocketChannel taken = ServerSocketChannel.open()) {
            taken.bind(new InetSocketAddress(LOOPBACK, 0));
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            DataChannel.Passive p = DataChannel.openPassive(LOOPBACK, new PortRange(port, port));
            try (ServerSocketChannel ch = p.channel()) {
                assertTrue(p.fellBack());
                assertTrue(((InetSocketAddress) ch.getLocalAddress()).getPort() != port);
            }
        }
    }

    /**
     * Sessions that pick the same passive port at the same moment: both bind(2)s can succeed before
     * either listens, and then one listen(2) fails with "address in use", leaving its socket bound.
     * Reusing that socket for the next port failed with "Invalid argument" (a 425 for PASV, seen
     * in the benchmark's W4 once in ~40,000 files); every attempt now has a socket of its own.
     */
    @Test
    void sessionsRacingForOnePortAllGetASocket() throws Exception {
        int port;
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(LOOPBACK, 0));
            port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        PortRange range = new PortRange(port, port);
        int threads = 2;
        int rounds = 20_000;
        long deadline = System.nanoTime() + 20_000_000_000L;
        ConcurrentLinkedQueue<IOException> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger inRange = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < rounds && System.nanoTime() < deadline && failures.isEmpty(); i++) {
                    try {
                        DataChannel.Passive p = DataChannel.openPassive(LOOPBACK, range);
                        if (!p.fellBack()) {
                            inRange.incrementAndGet();
                        }
                        p.channel().close();
                    } catch (IOException e) {
                        failures.add(e);
                    }
                }
            }));
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(List.of(), List.copyOf(failures));
        assertTrue(inRange.get() > 0, "no attempt got the range's port");
    }
}

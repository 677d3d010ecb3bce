package org.modftpd.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;
import org.osgi.framework.Bundle;

/**
 * The promise to operators: stopping, updating and starting mod_auth_file while sessions are logged
 * in and transferring drops no session and breaks no transfer; logins while it is absent fail
 * cleanly with 530 and succeed again once it is back.
 */
public class HotSwapIT extends ServerTestSupport {

    private static final int SESSIONS = 4;
    private static final int MAX_ROUNDS = 400;

    @Override
    protected String configuration(Provision.Env env) {
        return "DefaultRoot ~\nAllowOverwrite on\n";
    }

    @Test
    public void swappingTheAuthModuleDropsNothing() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Rounds rounds = new Rounds();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
        List<Future<?>> workers = new ArrayList<>();
        List<Ftp> sessions = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            sessions.add(login("alice", Provision.ALICE_PASSWORD).binary().passive());
        }
        for (int i = 0; i < SESSIONS; i++) {
            Ftp ftp = sessions.get(i);
            String name = "worker" + i + ".bin";
            Random random = new Random(i);
            workers.add(pool.submit(() -> {
                for (int round = 0; round < MAX_ROUNDS && !stop.get(); round++) {
                    byte[] data = new byte[64 * 1024 + random.nextInt(256 * 1024)];
                    random.nextBytes(data);
                    try {
                        ftp.store(name, data);
                        assertArrayEquals(name + " round " + round, data, ftp.retrieve(name));
                        rounds.completed();
                    } catch (Exception | AssertionError e) {
                        failures.add(name + " round " + round + ": " + e);
                        return;
                    }
                }
            }));
        }

        Bundle authFile = bundle("org.modftpd.mod_auth_file");
        awaitRounds(rounds, SESSIONS);

        authFile.stop();
        awaitModules("without mod_auth_file.c", m -> !m.contains("mod_auth_file.c"));
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER alice");
            assertEquals("Login incorrect.", ftp.expect(530, "PASS " + Provision.ALICE_PASSWORD).text());
        }
        awaitRounds(rounds, rounds.get() + SESSIONS);

        authFile.start();
        awaitModules("with mod_auth_file.c", m -> m.contains("mod_auth_file.c"));
        try (Ftp ftp = login("bob", Provision.BOB_PASSWORD)) {
            ftp.expect(257, "PWD");
        }

        authFile.update();
        awaitModules("with mod_auth_file.c after update", m -> m.contains("mod_auth_file.c"));
        awaitRounds(rounds, rounds.get() + SESSIONS);
        try (Ftp ftp = login("carol", Provision.CAROL_PASSWORD)) {
            ftp.expect(257, "PWD");
        }

        stop.set(true);
        for (Future<?> w : workers) {
            w.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue("failed transfers: " + failures, failures.isEmpty());
        for (Ftp ftp : sessions) {
            assertEquals("the session survived the swaps", 200, ftp.send("NOOP").code());
            ftp.close();
        }
    }

    private static void awaitRounds(Rounds rounds, int target) throws InterruptedException {
        rounds.await(target);
    }

    /** Completed store-and-retrieve rounds of all workers; waiters are woken by each round. */
    private static final class Rounds {
        private int count;

        synchronized void completed() {
            count++;
            notifyAll();
        }

        synchronized int get() {
            return count;
        }

        synchronized void await(int target) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (count < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the transfer loops stalled at " + count + " rounds");
                }
                wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }
    }
}

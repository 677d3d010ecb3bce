package org.modftpd.itest.sql;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Reply;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleRevision;

/**
 * mod_sql updated ({@code Bundle.update()}) while 20 sessions log in and upload in a loop.
 *
 * <p>How the log is proven complete: every upload has a name of its own; mod_sql answers it with an
 * SQLShowInfo line ({@code 226 sql-logged <name>}, added in POST_CMD) and logs it with SQLLog (a row,
 * written in LOG_CMD before the reply is sent). A command that mod_sql was active for therefore
 * carries the line in its reply; the test asserts that the rows are exactly the uploads whose reply
 * carried the line (none missing, none extra), that such uploads happened both before and after the
 * update, that uploads went on while it happened, and that no session that had logged in was dropped:
 * logins refused while the module was away ({@code 530}) are retried, anything else fails the test.
 */
public class SqlHotSwapIT extends SqlTestSupport {

    private static final int SESSIONS = 20;
    private static final int UPLOADS_PER_LOGIN = 4;
    private static final String PASSWORD = "c_md5-pw";
    private static final String HASH = "$1$cmd5salt$XmbML3u4t/k8D7lI54lu9.";

    @Override
    protected TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRES;
    }

    @Override
    protected void seed() throws Exception {
        for (int i = 0; i < SESSIONS; i++) {
            addUser("hs" + i, HASH, 3000 + i, 2000);
        }
        database().createTable(db(), "uploads", "username VARCHAR(64), path VARCHAR(255)");
    }

    /** One upload as the client saw it. */
    private record Upload(String path, boolean marked, int generation) {
    }

    @Test
    public void updatingModSqlDropsNoSessionAndLosesNoLogRow() throws Exception {
        reconfigure("SQLAuthTypes Crypt\n"
                + "SQLNamedQuery log_upload INSERT \"'%u', '%F'\" " + table("uploads") + "\n"
                + "SQLLog STOR log_upload\n"
                + "SQLShowInfo STOR 226 \"sql-logged %F\"\n");
        Bundle modSql = bundle("org.modftpd.mod_sql");
        long revisionBefore = System.identityHashCode(modSql.adapt(BundleRevision.class));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger generation = new AtomicInteger();
        AtomicInteger refusedLogins = new AtomicInteger();
        Rounds rounds = new Rounds();
        ConcurrentLinkedQueue<Upload> uploads = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Set<Integer> workersAfterSwap = ConcurrentHashMap.newKeySet();
        byte[] data = "hot swap upload\n".repeat(64).getBytes(StandardCharsets.US_ASCII);
        ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < SESSIONS; w++) {
            int worker = w;
            workers.add(pool.submit(() -> {
                for (int round = 0; !stop.get() && round < 10_000; round++) {
                    Ftp ftp;
                    try {
                        ftp = connect();
                        ftp.expect(331, "USER hs" + worker);
                        Reply pass = ftp.send("PASS " + PASSWORD);
                        if (pass.code() == 530) {
                            refusedLogins.incrementAndGet(); // mod_sql was away for this login
                            ftp.close();
                            continue;
                        }
                        assertEquals(pass.toString(), 230, pass.code());
                    } catch (Exception | AssertionError e) {
                        failures.add("worker " + worker + " could not log in: " + e);
                        return;
                    }
                    try (ftp) {
                        ftp.binary().passive();
                        int gen = generation.get();
                        for (int k = 0; k < UPLOADS_PER_LOGIN; k++) {
                            String path = "/u" + worker + "-" + round + "-" + k + ".bin";
                            ftp.store(path, data);
                            Reply r = ftp.last();
                            assertEquals(r.toString(), 226, r.code());
                            uploads.add(new Upload(path, r.raw().contains("sql-logged " + path), gen));
                        }
                        ftp.expect(221, "QUIT");
                        if (gen > 0) {
                            workersAfterSwap.add(worker);
                        }
                        rounds.completed();
                    } catch (Exception | AssertionError e) {
                        failures.add("worker " + worker + " was dropped while logged in: " + e);
                        return;
                    }
                }
            }));
        }
        rounds.await(SESSIONS * 2);
        int uploadsBefore = uploads.size();
        modSql.update();
        awaitModules("with mod_sql.c again", m -> m.contains("mod_sql.c"));
        generation.set(1);
        int roundsAtSwap = rounds.get();
        rounds.await(roundsAtSwap + SESSIONS * 3);
        await("every worker to upload after the update", 60, () -> workersAfterSwap.size() == SESSIONS
                || !failures.isEmpty());
        stop.set(true);
        for (Future<?> f : workers) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue("sessions dropped: " + failures, failures.isEmpty());
        assertNotEquals("a new revision serves", revisionBefore,
                System.identityHashCode(modSql.adapt(BundleRevision.class)));

        Set<String> marked = new HashSet<>();
        int markedBefore = 0;
        int markedAfter = 0;
        for (Upload u : uploads) {
            if (u.marked()) {
                marked.add(u.path());
                if (u.generation() == 0) {
                    markedBefore++;
                } else {
                    markedAfter++;
                }
            }
        }
        Set<String> rows = new HashSet<>();
        for (List<String> row : db().rows("SELECT path FROM " + table("uploads"))) {
            assertTrue("one row per upload: " + row, rows.add(row.get(0)));
        }
        assertTrue("uploads before the update: " + markedBefore, markedBefore > 0);
        assertTrue("uploads after the update: " + markedAfter, markedAfter > 0);
        assertTrue("uploads went on around the update", uploads.size() > uploadsBefore);
        Set<String> missing = new HashSet<>(marked);
        missing.removeAll(rows);
        Set<String> extra = new HashSet<>(rows);
        extra.removeAll(marked);
        assertEquals("uploads answered by mod_sql without a row", Set.of(), missing);
        assertEquals("rows for uploads mod_sql did not answer", Set.of(), extra);
        System.out.println("hot swap: " + uploads.size() + " uploads, " + marked.size() + " logged, "
                + (uploads.size() - marked.size()) + " while mod_sql was away, " + refusedLogins.get()
                + " logins refused while it was away");
    }

    /** Completed login rounds of all workers; waiters are woken by each round. */
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
                    throw new AssertionError("the upload loops stalled at " + count + " rounds");
                }
                wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }
    }
}

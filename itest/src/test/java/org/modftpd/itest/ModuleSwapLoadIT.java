package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.jar.JarFile;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPReply;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.Reply;
import org.modftpd.itest.support.ServerTestSupport;
import org.osgi.framework.Bundle;

/**
 * The hot-swap promise under load, for every module bundle of the distribution (every bundle whose
 * symbolic name starts with {@code org.modftpd.mod_}): while 50 clients keep logged-in sessions busy
 * with LIST, STOR and RETR of random content and keep opening fresh sessions that log in, each module
 * is updated from its own location and taken through a stop/start cycle.
 *
 * <p>Nothing may fail but what the documentation promises for an absent module: a login that
 * overlaps the absence of an auth module named in {@code AuthOrder} may get {@code 530 Login
 * incorrect.} (README, "Modules and hot swap"). Every other reply must be the normal one, no session
 * may be dropped, and every file read back, over FTP and on disk, must equal what was stored.
 */
public class ModuleSwapLoadIT extends ServerTestSupport {

    private static final String MODULE_PREFIX = "org.modftpd.mod_";
    private static final int WORKERS = 50;
    /** Bounds of the load loops: rounds per worker and wall time. */
    private static final int MAX_ROUNDS = 5_000;
    private static final long LOAD_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(100);
    /** A worker opens a fresh session and logs in every this many rounds. */
    private static final int LOGIN_EVERY = 3;
    /** How many times every module goes through a stop/start cycle and an update. */
    private static final int CYCLES = 3;
    private static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "erin");
    private static final List<String> PASSWORDS = List.of(Provision.ALICE_PASSWORD, Provision.BOB_PASSWORD,
            Provision.CAROL_PASSWORD, Provision.DAVE_PASSWORD, Provision.ERIN_PASSWORD);

    @Override
    protected List<String> modules() {
        List<String> jars = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(Provision.dist().resolve("modules"), "*.jar")) {
            for (Path jar : stream) {
                try (JarFile f = new JarFile(jar.toFile())) {
                    String bsn = f.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
                    boolean fragment = f.getManifest().getMainAttributes().getValue("Fragment-Host") != null;
                    if (bsn != null && bsn.startsWith(MODULE_PREFIX) && !fragment) {
                        jars.add(jar.getFileName().toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        jars.sort(null);
        return jars;
    }

    @Override
    protected String configuration(Provision.Env env) {
        return String.join("\n",
                "DefaultRoot ~",
                "AllowOverwrite on",
                "MaxLoginAttempts 1000",
                "<IfModule mod_ifsession.c>",
                "  <IfGroup users>",
                "    TimeoutIdle 300",
                "  </IfGroup>",
                "  <IfUser carol>",
                "    TimeoutIdle 200",
                "  </IfUser>",
                "</IfModule>",
                "");
    }

    /**
     * When a module was away or being replaced: from just before the operation until it was back.
     * {@code goneFrom}..{@code goneUntil} is the part in which it was certainly absent (0 for updates).
     */
    private record Window(String what, Set<String> modules, long start, long end, long goneFrom, long goneUntil) {
        boolean overlaps(Attempt a) {
            return a.start() <= end && a.end() >= start;
        }

        boolean contains(Attempt a) {
            return goneFrom != 0 && a.start() >= goneFrom && a.end() <= goneUntil;
        }
    }

    /** A login on a fresh session: who, when, and the reply to PASS. */
    private record Attempt(String user, long start, long end, Reply reply) {
    }

    @Test
    public void everyModuleSwapsUnderLoadWithoutLoss() throws Exception {
        List<Bundle> moduleBundles = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().startsWith(MODULE_PREFIX)) {
                moduleBundles.add(b);
            }
        }
        Set<String> names = new HashSet<>();
        moduleBundles.forEach(b -> names.add(b.getSymbolicName()));
        assertTrue("module bundles found: " + names,
                names.containsAll(List.of("org.modftpd.mod_auth_file", "org.modftpd.mod_ifsession")));
        for (Bundle b : moduleBundles) {
            assertEquals(b.getSymbolicName() + " is active", Bundle.ACTIVE, b.getState());
        }
        Set<String> authOrder = Set.of(authOrder().replace("*", "").split("\\s+"));

        AtomicBoolean stop = new AtomicBoolean();
        long loadDeadline = System.nanoTime() + LOAD_LIMIT_NANOS;
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Rounds rounds = new Rounds(failures);
        ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        List<Ftp> sessions = new ArrayList<>();
        AtomicReferenceArray<byte[]> lastStored = new AtomicReferenceArray<>(WORKERS);
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        List<Future<?>> workers = new ArrayList<>();
        List<Window> windows = new ArrayList<>();
        try {
            for (int i = 0; i < WORKERS; i++) {
                sessions.add(login(USERS.get(i % USERS.size()), PASSWORDS.get(i % USERS.size())).binary().passive());
            }
            for (int i = 0; i < WORKERS; i++) {
                int worker = i;
                workers.add(pool.submit(() -> work(worker, sessions.get(worker), lastStored, stop, loadDeadline,
                        rounds, attempts)));
            }
            rounds.await(WORKERS);

            for (int cycle = 0; cycle < CYCLES; cycle++) {
                for (Bundle b : moduleBundles) {
                    String bsn = b.getSymbolicName();
                    List<String> before = currentModules();

                    long start = System.nanoTime();
                    b.stop();
                    awaitModules("without the modules of " + bsn, m -> !m.containsAll(before));
                    long goneFrom = System.nanoTime();
                    Set<String> own = new LinkedHashSet<>(before);
                    own.removeAll(currentModules());
                    rounds.await(rounds.get() + WORKERS);
                    long goneUntil = System.nanoTime();
                    b.start();
                    awaitModules("with " + own + " again", m -> m.containsAll(own));
                    windows.add(new Window(bsn + " stop/start", own, start, System.nanoTime(), goneFrom, goneUntil));
                    rounds.await(rounds.get() + WORKERS);

                    start = System.nanoTime();
                    b.update();
                    awaitModules("with " + own + " after updating " + bsn, m -> m.containsAll(own));
                    windows.add(new Window(bsn + " update", own, start, System.nanoTime(), 0, 0));
                    assertEquals(bsn + " is active after its update", Bundle.ACTIVE, b.getState());
                    rounds.await(rounds.get() + WORKERS);
                }
            }
            long settled = System.nanoTime();
            rounds.await(rounds.get() + 2 * WORKERS);

            stop.set(true);
            for (Future<?> w : workers) {
                w.get(60, TimeUnit.SECONDS);
            }
            assertTrue("failed commands, dropped sessions or corrupted files: " + failures, failures.isEmpty());

            int refusedWhileGone = 0;
            int succeededAfter = 0;
            for (Attempt a : attempts) {
                boolean ok = a.reply().code() == 230;
                boolean documented = a.reply().code() == 530 && a.reply().text().equals("Login incorrect.");
                List<Window> auth = windows.stream()
                        .filter(w -> w.modules().stream().anyMatch(authOrder::contains)).toList();
                if (auth.stream().anyMatch(w -> w.contains(a))) {
                    assertTrue("a login while " + auth + " was away: " + a, documented);
                    refusedWhileGone++;
                } else if (!ok) {
                    assertTrue("login of " + a.user() + " refused outside the absence of an auth module: " + a
                            + " (windows: " + windows + ")", documented && auth.stream().anyMatch(w -> w.overlaps(a)));
                }
                if (ok && a.start() > settled) {
                    succeededAfter++;
                }
            }
            assertTrue("logins were tried while the auth module was away", refusedWhileGone > 0);
            assertTrue("fresh logins succeed again after the swaps", succeededAfter > 0);
            for (int i = 0; i < WORKERS; i++) {
                Ftp ftp = sessions.get(i);
                assertEquals("session " + i + " survived every swap", 200, ftp.send("NOOP").code());
                byte[] expected = lastStored.get(i);
                assertFalse("worker " + i + " stored something", expected == null);
                assertTrue("worker " + i + ": the last file on disk is intact", Arrays.equals(expected,
                        Files.readAllBytes(home(USERS.get(i % USERS.size())).resolve(fileName(i)))));
            }
            System.out.println("ModuleSwapLoadIT: " + rounds.get() + " rounds, " + attempts.size()
                    + " fresh logins (" + refusedWhileGone + " while the auth module was away), windows " + windows);
        } finally {
            stop.set(true);
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            sessions.forEach(Ftp::close);
        }
    }

    private static String fileName(int worker) {
        return "load-" + worker + ".bin";
    }

    /** One client: LIST, STOR, RETR and a disk check per round, and a fresh login now and then. */
    private void work(int worker, Ftp ftp, AtomicReferenceArray<byte[]> lastStored, AtomicBoolean stop, long deadline,
            Rounds rounds, ConcurrentLinkedQueue<Attempt> attempts) {
        String user = USERS.get(worker % USERS.size());
        String password = PASSWORDS.get(worker % USERS.size());
        String name = fileName(worker);
        Path onDisk = home(user).resolve(name);
        Random random = new Random(worker * 7919L);
        for (int round = 0; round < MAX_ROUNDS && !stop.get() && System.nanoTime() < deadline; round++) {
            String where = "worker " + worker + " (" + user + ") round " + round + ": ";
            try {
                byte[] data = new byte[1 + random.nextInt(48 * 1024)];
                random.nextBytes(data);
                ftp.store(name, data);
                lastStored.set(worker, data);
                if (!Arrays.equals(data, Files.readAllBytes(onDisk))) {
                    rounds.failed(where + name + " on disk differs from what was stored");
                    return;
                }
                if (!Arrays.equals(data, ftp.retrieve(name))) {
                    rounds.failed(where + name + " read back differs from what was stored");
                    return;
                }
                FTPFile[] listing = ftp.client().listFiles();
                if (!FTPReply.isPositiveCompletion(ftp.client().getReplyCode())
                        || Arrays.stream(listing).noneMatch(f -> f != null && name.equals(f.getName())
                                && f.getSize() == data.length)) {
                    rounds.failed(where + "LIST: " + ftp.last() + " " + Arrays.toString(listing));
                    return;
                }
                if (round % LOGIN_EVERY == worker % LOGIN_EVERY) {
                    freshLogin(user, password, attempts);
                }
                rounds.completed();
            } catch (Exception | AssertionError e) {
                rounds.failed(where + e + " (last reply: " + ftp.last() + ")");
                return;
            }
        }
    }

    /** A new session that logs in, looks around and quits; the PASS reply is recorded for the verdict. */
    private void freshLogin(String user, String password, ConcurrentLinkedQueue<Attempt> attempts)
            throws IOException {
        long start = System.nanoTime();
        try (Ftp ftp = connect()) {
            assertEquals("greeting: " + ftp.greeting(), 220, ftp.greeting().code());
            ftp.expect(331, "USER " + user);
            Reply pass = ftp.send("PASS " + password);
            attempts.add(new Attempt(user, start, System.nanoTime(), pass));
            if (pass.code() == 230) {
                ftp.expect(257, "PWD");
            }
            ftp.expect(221, "QUIT");
        }
    }

    private List<String> currentModules() throws Exception {
        return List.of((String[]) awaitStatus("(modftpd.state=running)").getProperty("modftpd.modules"));
    }

    /**
     * Completed rounds of all workers and their failures; waiters are woken by each round and each
     * failure, and give up after 60 s or at the first failure.
     */
    private static final class Rounds {
        private final ConcurrentLinkedQueue<String> failures;
        private int count;

        Rounds(ConcurrentLinkedQueue<String> failures) {
            this.failures = failures;
        }

        synchronized void failed(String what) {
            failures.add(what);
            notifyAll();
        }

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
                if (!failures.isEmpty()) {
                    throw new AssertionError("the load failed: " + failures);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the load loops stalled at " + count + " rounds (wanted " + target + ")");
                }
                wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }
    }
}

package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
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
 * Stopping mod_ifsession at runtime: new sessions stop getting overlays, sessions already connected
 * keep theirs, starting it again restores overlays for new sessions, and nobody is dropped. Without
 * the module, an unguarded {@code <IfClass>} is refused with file and line.
 */
public class IfSessionSwapIT extends ServerTestSupport {

    @Override
    protected List<String> modules() {
        return List.of("mod_auth_file.jar", "mod_ifsession.jar");
    }

    @Override
    protected String configuration(Provision.Env env) {
        return IfSessionIT.NAT_RECIPE + "IfSessionOptions PerUnauthenticatedUser\n"
                + "<IfUser alice>\n  AccessDenyMsg \"No entry, alice\"\n</IfUser>\n";
    }

    @Test
    public void stoppingAndStartingTheModuleUnderLoad() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Ftp> busy = new ArrayList<>();
        List<Future<?>> loops = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Ftp ftp = login("alice", Provision.ALICE_PASSWORD).passive();
            busy.add(ftp);
            loops.add(pool.submit(() -> {
                for (int round = 0; round < 2000 && !stop.get(); round++) {
                    try {
                        String address = IfSessionIT.pasvAddress(ftp.expect(227, "PASV").text());
                        if (!address.equals("10,0,0,1")) {
                            failures.add("round " + round + ": overlay lost, PASV shows " + address);
                            return;
                        }
                        ftp.expect(226, "ABOR");
                    } catch (Exception | AssertionError e) {
                        failures.add("round " + round + ": " + e);
                        return;
                    }
                }
            }));
        }

        Bundle ifsession = bundle("org.modftpd.mod_ifsession");
        ifsession.stop();
        awaitModules("without mod_ifsession.c", m -> !m.contains("mod_ifsession.c"));
        try (Ftp fresh = login("alice", Provision.ALICE_PASSWORD)) {
            assertEquals("127,0,0,1", IfSessionIT.pasvAddress(fresh.expect(227, "PASV").text()));
        }

        String original = Files.readString(dir().resolve("proftpd.conf"));
        long generation = generation();
        Files.writeString(dir().resolve("proftpd.conf"), original + "<IfClass internal>\n  TimeoutIdle 30\n</IfClass>\n");
        reload();
        assertEquals("an unguarded <IfClass> without the module is refused", generation, generation());
        String log = Files.readString(dir().resolve("system.log"));
        int line = (int) original.chars().filter(c -> c == '\n').count() + 1;
        assertTrue(log, log.contains("proftpd.conf:" + line
                + ": section <IfClass> is provided by mod_ifsession.c, which is not loaded"));
        Files.writeString(dir().resolve("proftpd.conf"), original);

        ifsession.start();
        awaitModules("with mod_ifsession.c", m -> m.contains("mod_ifsession.c"));
        try (Ftp fresh = login("alice", Provision.ALICE_PASSWORD)) {
            assertEquals("10,0,0,1", IfSessionIT.pasvAddress(fresh.expect(227, "PASV").text()));
        }

        stop.set(true);
        for (Future<?> f : loops) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue(failures.toString(), failures.isEmpty());
        for (Ftp ftp : busy) {
            assertEquals(200, ftp.send("NOOP").code());
            ftp.close();
        }
    }

    @Test
    public void perUnauthenticatedUserMergesAtUser() throws Exception {
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER alice");
            assertEquals("No entry, alice", ftp.expect(530, "PASS wrong").text());
        }
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER bob");
            assertEquals("Login incorrect.", ftp.expect(530, "PASS wrong").text());
        }
    }
}

package org.modftpd.itest.sql;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ftp.FTPConnectionClosedException;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.Reply;

/**
 * The machine's PostgreSQL stopped and started again under a running server
 * ({@code pg_ctlcluster --skip-systemctl-redirect 15 main stop|start}; it is always started again in
 * a finally block). While it is down a login gets {@code 530 Login incorrect.} and its session ends
 * (or stays, with {@code SQLOptions NoDisconnectOnError}, and falls through to mod_auth_file), a
 * SQLLog failure ends the session unless {@code IGNORE_ERRORS}, sessions that need no database go
 * on, and the server keeps accepting connections. Once the database is back the pool reconnects and
 * logins work again without a restart.
 */
public class SqlDatabaseRestartIT extends SqlTestSupport {

    private static final String CLUSTER_VERSION = "15";
    private static final String CLUSTER = "main";

    @Override
    protected TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRES;
    }

    @Override
    protected Map<String, String> frameworkProperties() {
        // how long a login waits for a connection while the database is down
        return Map.of("modftpd.sql.connectTimeoutMillis", "1500");
    }

    @Override
    protected void seed() throws Exception {
        super.seed();
        database().createTable(db(), "xfer", "username VARCHAR(255), path VARCHAR(1024)");
    }

    private String log(String ignore) {
        return "SQLAuthTypes Crypt\nSQLNamedQuery log_stor INSERT \"'%u', '%f'\" " + table("xfer") + "\n"
                + "SQLLog STOR log_stor" + ignore + "\n";
    }

    @Test
    public void loginsFailWhileTheDatabaseIsDownAndWorkOnceItIsBack() throws Exception {
        reconfigure(log(""));
        byte[] data = "restart".getBytes(StandardCharsets.US_ASCII);
        Ftp fileUser = login("alice", Provision.ALICE_PASSWORD).binary().passive();
        Ftp strict = login("c_sha512", "c_sha512-pw").binary().passive();
        strict.store("before.bin", data);
        reconfigure(log(" IGNORE_ERRORS"));
        Ftp tolerant = login("c_sha256", "c_sha256-pw").binary().passive();
        assertEquals(1, db().count("SELECT count(*) FROM " + table("xfer")));
        try {
            cluster("stop");
            assertFalse("PostgreSQL is down", cluster("status").contains("server is running"));

            // a login: ProFTPD's reply, then the session ends
            long started = System.nanoTime();
            try (Ftp ftp = connect()) {
                ftp.expect(331, "USER c_md5");
                assertEquals("Login incorrect.", ftp.expect(530, "PASS c_md5-pw").text());
                assertClosed(ftp);
            }
            assertTrue("the login did not hang", System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10));

            // SQLLog ... IGNORE_ERRORS: the upload is answered and the session stays
            tolerant.store("down.bin", data);
            tolerant.expect(257, "PWD");
            // without it the session ends on the failed SQLLog, before the 226 is sent
            try {
                strict.store("lost.bin", data);
            } catch (IOException expected) {
                // the transfer itself completed; its reply never came
            }
            assertClosed(strict);

            // sessions that need no database go on, and the server still serves
            fileUser.expect(257, "PWD");
            fileUser.expect(550, "RETR /nothing-here");
            try (Ftp ftp = connect()) {
                assertEquals(220, ftp.greeting().code());
            }

            // NoDisconnectOnError: the failed lookup is "no such user" and the next module answers
            reconfigure(log("") + "SQLOptions NoDisconnectOnError\n");
            try (Ftp ftp = connect()) {
                ftp.expect(331, "USER c_md5");
                ftp.expect(530, "PASS c_md5-pw");
                ftp.expect(331, "USER alice");
                ftp.expect(230, "PASS " + Provision.ALICE_PASSWORD);
            }
        } finally {
            cluster("start");
        }
        assertTrue(cluster("status").contains("server is running"));

        // back: the pool reconnects by itself
        reconfigure(log(""));
        try (Ftp ftp = login("c_md5", "c_md5-pw").binary().passive()) {
            ftp.store("after.bin", data);
            ftp.expect(257, "PWD");
        }
        tolerant.store("after-too.bin", data);
        tolerant.expect(257, "PWD");
        fileUser.expect(200, "NOOP");
        assertEquals(List.of(List.of("c_md5"), List.of("c_sha256"), List.of("c_sha512")),
                db().rows("SELECT username FROM " + table("xfer") + " ORDER BY username"));
        tolerant.close();
        fileUser.close();
    }

    private static void assertClosed(Ftp ftp) {
        try {
            Reply r = ftp.send("NOOP");
            throw new AssertionError("the session should have ended, got " + r);
        } catch (FTPConnectionClosedException | java.net.SocketException expected) {
            // ended as ProFTPD ends it
        } catch (IOException e) {
            // any other end of the connection will do too
        }
    }

    /** Runs pg_ctlcluster; returns its output. */
    private static String cluster(String action) throws Exception {
        Process p = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", CLUSTER_VERSION, CLUSTER, action)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pg_ctlcluster " + action + " did not finish");
        }
        if (p.exitValue() != 0 && !action.equals("status")) {
            throw new AssertionError("pg_ctlcluster " + action + " failed: " + out);
        }
        return out;
    }
}

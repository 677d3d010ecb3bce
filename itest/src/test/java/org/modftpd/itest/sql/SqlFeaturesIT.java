package org.modftpd.itest.sql;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.osgi.framework.Bundle;

/**
 * The connection pool and the rest of mod_sql on PostgreSQL: one bounded pool shared by all
 * sessions, closed when no configuration uses it and when the module stops; SQLKeepAlive;
 * SQLNamedConnectInfo to MariaDB over TCP and its Unix socket, and to PostgreSQL over its Unix socket; the primary-key and ratio notes;
 * SQLEngine auth/log; NULL columns with SQLDefaultUID/SQLDefaultHomedir and SQLMinID; SQLLogFile;
 * {@code <IfModule>} with the backend modules' names.
 */
public class SqlFeaturesIT extends SqlTestSupport {

    private static final String CRYPT = "SQLAuthTypes Crypt\n";
    private static final int MAX_CONNECTIONS = 4;

    @Override
    protected TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRES;
    }

    @Override
    protected Map<String, String> frameworkProperties() {
        return Map.of("modftpd.sql.poolIdleSeconds", "2", "modftpd.sql.maxConnections",
                Integer.toString(MAX_CONNECTIONS));
    }

    @Override
    protected void seed() throws Exception {
        super.seed();
        for (String column : new String[] {"fstor", "fretr", "bstor", "bretr", "frate", "fcred", "brate", "bcred"}) {
            db().update("ALTER TABLE users ADD " + column + " BIGINT DEFAULT 0");
        }
        db().update("UPDATE users SET frate = 1, fcred = 2, brate = 3, bcred = 4 WHERE userid = 'c_sha512'");
        database().createTable(db(), "ka", "n INTEGER");
        db().update("INSERT INTO ka VALUES (0)");
        database().createTable(db(), "notes_log", "username VARCHAR(64), cmd VARCHAR(16), upk VARCHAR(64),"
                + " gpk VARCHAR(64), ratios VARCHAR(64), stats VARCHAR(64)");
    }

    private long poolConnections() throws Exception {
        return ((TestDatabase.Postgres) database()).serverConnections(context);
    }

    private long poolConnectionsQuietly() {
        try {
            return poolConnections();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** One pool serves every session, and it never opens more than its maximum. */
    @Test
    public void onePoolServesAllSessions() throws Exception {
        reconfigure(CRYPT);
        List<Ftp> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                sessions.add(login(i % 2 == 0 ? "c_sha512" : "c_md5", i % 2 == 0 ? "c_sha512-pw" : "c_md5-pw"));
            }
            long open = poolConnections();
            assertTrue("20 sessions share " + open + " connections", open >= 1 && open <= MAX_CONNECTIONS);
        } finally {
            sessions.forEach(Ftp::close);
        }
    }

    /**
     * A pool closes once no session uses it and the configuration new sessions get no longer names
     * it, and when the module stops; it comes back when needed.
     */
    @Test
    public void poolsCloseWhenUnusedAndWhenTheModuleStops() throws Exception {
        reconfigure(CRYPT);
        try (Ftp ftp = login("c_sha512", "c_sha512-pw")) {
            assertTrue(poolConnections() > 0);
            reconfigure("SQLEngine off\n");
            try (Ftp other = login("alice", Provision.ALICE_PASSWORD)) {
                other.expect(257, "PWD");
            }
            assertTrue("still used by a session", poolConnections() > 0);
            ftp.expect(257, "PWD");
        }
        await("the unused pool to close", 20, () -> poolConnectionsQuietly() == 0);

        reconfigure(CRYPT);
        try (Ftp ftp = login("c_sha512", "c_sha512-pw")) {
            assertTrue(poolConnections() > 0);
        }
        Bundle modSql = bundle("org.modftpd.mod_sql");
        modSql.stop();
        try {
            awaitModules("without mod_sql.c", m -> !m.contains("mod_sql.c"));
            await("the pool to close with the module", 10, () -> poolConnectionsQuietly() == 0);
        } finally {
            modSql.start();
        }
        awaitModules("with mod_sql.c", m -> m.contains("mod_sql.c"));
        reconfigure(CRYPT);
        try (Ftp ftp = login("c_sha512", "c_sha512-pw")) {
            ftp.expect(257, "PWD");
        }
    }

    /** SQLKeepAlive runs its statement on the session's pool every interval. */
    @Test
    public void keepAlive() throws Exception {
        reconfigure(CRYPT + "SQLKeepAlive 1 \"UPDATE ka SET n = n + 1\"\n");
        long before = Long.parseLong(db().value("SELECT n FROM ka"));
        try (Ftp ftp = login("c_sha512", "c_sha512-pw")) {
            await("two keep-alive statements", 15, () -> {
                try {
                    return Long.parseLong(db().value("SELECT n FROM ka")) >= before + 2;
                } catch (java.sql.SQLException e) {
                    throw new AssertionError(e);
                }
            });
            ftp.expect(200, "NOOP");
        }
    }

    /** SQLNamedConnectInfo: log to MariaDB (a second backend) over TCP and over its Unix socket. */
    @Test
    public void namedConnectionsToAnotherBackendOverTcpAndUnixSocket() throws Exception {
        String table = "it_features_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36) + "_logins";
        SqlDb maria = SqlDb.mariadb();
        maria.update("CREATE TABLE " + table + " (username VARCHAR(64), addr VARCHAR(64), via VARCHAR(16))");
        atFrameworkStop("drop " + table, () -> SqlDb.mariadb().update("DROP TABLE IF EXISTS " + table));
        reconfigure(CRYPT
                + "SQLNamedConnectInfo logdb mysql test@127.0.0.1:3306 root\n"
                + "SQLNamedConnectInfo sockdb mysql test@/run/mysqld/mysqld.sock root\n"
                + "SQLNamedQuery log_tcp FREEFORM \"INSERT INTO " + table + " VALUES ('%u', '%a', 'tcp')\" logdb\n"
                + "SQLNamedQuery log_sock INSERT \"'%u', '%a', 'socket'\" " + table + " sockdb\n"
                + "SQLLog PASS log_tcp\nSQLLog PASS log_sock\n"
                + "SQLNamedConnectInfo pgsock postgres test@/var/run/postgresql:5432 " + database().name + "\n"
                + "SQLNamedQuery log_pgsock INSERT \"'%u', 'PGSOCK', inet_client_addr()::text, '', '', ''\" notes_log pgsock\n"
                + "SQLLog PASS log_pgsock\n");
        try (Ftp ftp = login("c_sha512", "c_sha512-pw")) {
            ftp.expect(257, "PWD");
        }
        assertEquals(List.of(List.of("c_sha512", "127.0.0.1", "socket"), List.of("c_sha512", "127.0.0.1", "tcp")),
                maria.rows("SELECT username, addr, via FROM " + table + " ORDER BY via"));
        // PostgreSQL over its Unix socket (the driver's fragment): the server sees no client address
        assertEquals(List.of(java.util.Arrays.asList("c_sha512", null)),
                db().rows("SELECT username, upk FROM notes_log WHERE cmd = 'PGSOCK'"));
    }

    /** SQLUserPrimaryKey/SQLGroupPrimaryKey (bug3864) and SQLRatios/SQLRatioStats as session notes. */
    @Test
    public void primaryKeyAndRatioNotes() throws Exception {
        reconfigure(CRYPT
                + "SQLUserPrimaryKey uid\n"
                + "SQLGroupPrimaryKey custom:/group-key\n"
                + "SQLNamedQuery group-key SELECT \"gid * 10 FROM groups WHERE groupname = '%{0}'\"\n"
                + "SQLRatios on\nSQLRatioStats on\n"
                + "SQLNamedQuery log_notes INSERT \"'%u', '%m', '%{note:sql.user-primary-key}',"
                + " '%{note:sql.group-primary-key}', '%{note:sql.ratio.frate}/%{note:sql.ratio.fcred}/"
                + "%{note:sql.ratio.brate}/%{note:sql.ratio.bcred}', '%{note:sql.stats.fstor}/%{note:sql.stats.bstor}'\""
                + " notes_log\n"
                + "SQLLog PASS,STOR log_notes\n");
        try (Ftp ftp = login("c_sha512", "c_sha512-pw").binary().passive()) {
            ftp.store("ratio.bin", new byte[1000]);
        }
        assertEquals(List.of(List.of("PASS", "2000", "20000", "1/2/3/4", "0/0"),
                List.of("STOR", "2000", "20000", "1/2/3/4", "1/1000")),
                db().rows("SELECT cmd, upk, gpk, ratios, stats FROM notes_log WHERE username = 'c_sha512'"
                        + " AND cmd IN ('PASS', 'STOR') ORDER BY cmd"));
        assertEquals(List.of(List.of("1", "1000", "0", "0")),
                db().rows("SELECT fstor, bstor, fretr, bretr FROM users WHERE userid = 'c_sha512'"));
    }

    /** SQLEngine auth|log, NULL columns with the SQLDefault* values, SQLMinID, SQLLogFile, IfModule. */
    @Test
    public void engineModesDefaultsLogFileAndIfModule() throws Exception {
        reconfigure("SQLEngine log\n" + CRYPT
                + "SQLNamedQuery mark INSERT \"'%u', 'ENGINE', '', '', '', ''\" notes_log\nSQLLog PASS mark\n");
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER c_sha512");
            ftp.expect(530, "PASS c_sha512-pw");
        }
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD)) {
            ftp.expect(257, "PWD");
        }
        reconfigure("SQLEngine auth\n" + CRYPT
                + "SQLNamedQuery mark INSERT \"'%u', 'ENGINE', '', '', '', ''\" notes_log\nSQLLog PASS mark\n");
        try (Ftp ftp = login("c_sha512", "c_sha512-pw")) {
            ftp.expect(257, "PWD");
        }
        assertEquals(List.of(List.of("alice")), db().rows("SELECT username FROM notes_log WHERE cmd = 'ENGINE'"));

        Path shared = Files.createDirectories(dir().resolve("sqlhome").resolve("shared"));
        Path logFile = dir().resolve("sql.log");
        reconfigure(CRYPT
                + "SQLUserInfo users userid passwd NULL gid NULL NULL\n"
                + "SQLDefaultHomedir " + shared + "\nSQLDefaultUID 4242\nSQLMinID 2500\n"
                + "SQLLogFile " + logFile + "\n"
                + "SQLNamedQuery ids INSERT \"'%u', 'IDS', '%{uid}', '%{gid}', '', ''\" notes_log\nSQLLog PASS ids\n");
        try (Ftp ftp = login("c_sha512", "c_sha512-pw").binary().passive()) {
            ftp.store("in-shared.bin", new byte[3]);
        }
        assertTrue("the default home is the user's jail", Files.exists(shared.resolve("in-shared.bin")));
        assertEquals(List.of(List.of("4242", "65533")),
                db().rows("SELECT upk, gpk FROM notes_log WHERE cmd = 'IDS'"));
        String log = Files.readString(logFile, StandardCharsets.UTF_8);
        assertTrue(log, log.contains("mod_sql/4.5[") && log.contains("query: SELECT userid, passwd, gid FROM users")
                && log.contains("'Crypt' SQLAuthType handler reports success")
                && log.contains("user GID 2000 below SQLMinUserGID 2500"));

        reconfigure("<IfModule mod_sql_postgres.c>\n  " + CRYPT + "</IfModule>\n"
                + "<IfModule mod_sql_passwd.c>\n  SQLPasswordEngine on\n</IfModule>\n");
        try (Ftp ftp = login("c_sha512", "c_sha512-pw")) {
            ftp.expect(257, "PWD");
        }
    }
}

package org.modftpd.mod_sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modftpd.mod_sql.SqlDirectives.Authenticate;

/** Running statements (the reconnect rule) against SQLite, and parsing the directives. */
class DatabaseAndDirectivesTest {

    @TempDir
    Path dir;

    private DataSource sqlite() {
        return new SqliteDataSourceFactory().createDataSource(props("databaseName", dir.resolve("t.db").toString()));
    }

    private static java.util.Properties props(String... kv) {
        java.util.Properties p = new java.util.Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void statementsRunAsBoundParametersOnSqlite() throws Exception {
        DataSource ds = sqlite();
        Database.run(() -> ds, new SqlTemplate.Bound("CREATE TABLE t (a TEXT, n INTEGER)", List.of()), true);
        SqlTemplate t = SqlTemplate.compile("INSERT INTO t VALUES ('%u', %b)", Backend.SQLITE3);
        Database.Result r = Database.run(() -> ds, t.bind(tok -> tok.equals("%u") ? "o'k; DROP TABLE t" : "42"), true);
        assertEquals(1, r.updateCount());
        Database.Result rows = Database.run(() -> ds, new SqlTemplate.Bound("SELECT a, n + 1 FROM t", List.of()),
                true);
        assertEquals(List.of(List.of("o'k; DROP TABLE t", "43")), rows.rows());
        assertEquals("o'k; DROP TABLE t", rows.first());
    }

    /** A DataSource whose first connection is dead: it fails with SQLState 08006 when used. */
    private static DataSource flaky(AtomicInteger connections, DataSource real) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        if (connections.getAndIncrement() == 0) {
                            return deadConnection();
                        }
                        return real.getConnection();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Connection deadConnection() {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement")) {
                        return Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                                new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                                    if (m.getName().equals("close")) {
                                        return null;
                                    }
                                    throw new SQLException("An I/O error occurred while sending to the backend.",
                                            "08006");
                                });
                    }
                    return null; // close() and the like
                });
    }

    @Test
    void aLostConnectionIsRetriedOnceUnlessNoReconnect() throws Exception {
        DataSource real = sqlite();
        AtomicInteger connections = new AtomicInteger();
        Database.Result r = Database.run(() -> flaky(connections, real), new SqlTemplate.Bound("SELECT 1", List.of()),
                true);
        assertEquals("1", r.first());
        assertEquals(2, connections.get());
        AtomicInteger again = new AtomicInteger();
        DataSource once = flaky(again, real);
        Database.DbException e = assertThrows(Database.DbException.class,
                () -> Database.run(() -> once, new SqlTemplate.Bound("SELECT 1", List.of()), false));
        assertTrue(e.getMessage().contains("08006"), e.getMessage());
        assertEquals(1, again.get(), "NoReconnect: no second connection");
    }

    @Test
    void wrongStatementsAreNotRetried() {
        DataSource ds = sqlite();
        AtomicInteger calls = new AtomicInteger();
        assertThrows(Database.DbException.class, () -> Database.run(() -> {
            calls.incrementAndGet();
            return ds;
        }, new SqlTemplate.Bound("SELECT * FROM no_such_table", List.of()), true));
        assertEquals(1, calls.get());
        assertFalse(Database.connectionLost(new SQLException("syntax", "42601")));
        assertTrue(Database.connectionLost(new SQLException("admin shutdown", "57P01")));
    }

    @Test
    void connectInfoFormsAsProftpdSplitsThem() {
        ConnectInfo.Location l = ConnectInfo.parse(List.of("ftp@db.example.com:6543", "bob", "pw"))
                .location(Backend.POSTGRES);
        assertEquals(new ConnectInfo.Location("ftp", "db.example.com", 6543, false), l);
        assertEquals(new ConnectInfo.Location("ftp", "localhost", 3306, false),
                ConnectInfo.parse(List.of("ftp")).location(Backend.MYSQL));
        assertEquals(new ConnectInfo.Location("ftp", "localhost", 3000, false),
                ConnectInfo.parse(List.of("ftp:3000", "admin")).location(Backend.MYSQL));
        assertEquals(new ConnectInfo.Location("ftp", "/run/mysqld/mysqld.sock", 3306, true),
                ConnectInfo.parse(List.of("ftp@/run/mysqld/mysqld.sock")).location(Backend.MYSQL));
        assertEquals(new ConnectInfo.Location("ftp", "/var/run/postgresql", 5433, true),
                ConnectInfo.parse(List.of("ftp@/var/run/postgresql:5433")).location(Backend.POSTGRES));
        ConnectInfo ssl = ConnectInfo.parse(List.of("ftp@h", "u", "p", "30", "ssl-ca:/etc/ca.pem", "ssl-cert:/c"));
        assertEquals("/etc/ca.pem", ssl.sslCa());
        assertEquals(30, ssl.idleSeconds());
        assertTrue(ConnectInfo.parse(List.of("ftp", "u", "p", "PERCONNECTION")).perConnection());
        assertThrows(IllegalArgumentException.class, () -> ConnectInfo.parse(List.of("ftp", "u", "p", "sometimes")));
        assertThrows(IllegalArgumentException.class,
                () -> ConnectInfo.parse(List.of("ftp@h:99999")).location(Backend.POSTGRES));
        assertFalse(ConnectInfo.parse(List.of("db", "user", "secret")).toString().contains("secret"));
    }

    @Test
    void directivesParseAsProftpdDocumentsThem() {
        assertEquals(Authenticate.ALL, SqlDirectives.SQL_AUTHENTICATE.parse(List.of("on")));
        Authenticate a = SqlDirectives.SQL_AUTHENTICATE.parse(List.of("users", "groupsetfast"));
        assertTrue(a.users() && !a.groups() && a.groupset() && a.fastGroups());
        assertThrows(IllegalArgumentException.class, () -> SqlDirectives.SQL_AUTHENTICATE.parse(List.of("users",
                "users")));
        SqlDirectives.UserInfo u = SqlDirectives.SQL_USER_INFO.parse(List.of("ftpusers", "name", "pw", "NULL", "gid",
                "home", "NULL"));
        assertNull(u.uid());
        assertNull(u.shell());
        SqlDirectives.UserInfo c = SqlDirectives.SQL_USER_INFO.parse(List.of("custom:/byname/byid"));
        assertEquals("byname", c.customByName());
        assertEquals("byid", c.customById());
        assertThrows(IllegalArgumentException.class, () -> SqlDirectives.SQL_GROUP_INFO.parse(List.of("custom:/a")));
        SqlDirectives.LogRule log = SqlDirectives.SQL_LOG.parse(List.of("retr,ERR_stor", "q", "ignore_errors"));
        assertEquals(Set.of("RETR", "ERR_STOR"), log.commands());
        assertTrue(log.ignoreErrors());
        assertFalse(SqlDirectives.SQL_LOG.parse(List.of("*", "q", "whatever")).ignoreErrors());
        SqlDirectives.NamedQuery q = SqlDirectives.SQL_NAMED_QUERY.parse(List.of("n", "update", "x = 1", "t", "db2"));
        assertEquals(SqlDirectives.QueryType.UPDATE, q.type());
        assertEquals("db2", q.connection());
        assertThrows(IllegalArgumentException.class, () -> SqlDirectives.SQL_NAMED_QUERY.parse(List.of("n", "INSERT",
                "1")));
        assertThrows(IllegalArgumentException.class, () -> SqlDirectives.SQL_NAMED_QUERY.parse(List.of("n", "SELECT",
                "a FROM t WHERE b = 'unterminated")));
        assertEquals(new SqlDirectives.Engine(false, true), SqlDirectives.SQL_ENGINE.parse(List.of("log")));
        assertEquals(SqlDirectives.Engine.OFF, SqlDirectives.SQL_ENGINE.parse(List.of("off")));
        assertEquals(new SqlDirectives.Columns("a", "b", "c", "d"), SqlDirectives.SQL_RATIOS.parse(List.of("a", "b",
                "c", "d")));
        assertEquals(Backend.SQLITE3, SqlDirectives.SQL_BACKEND.parse(List.of("sqlite3")));
        assertThrows(IllegalArgumentException.class, () -> SqlDirectives.SQL_BACKEND.parse(List.of("odbc")));
        assertThrows(IllegalArgumentException.class, () -> SqlDirectives.SQL_AUTH_TYPES.parse(List.of("Crypt",
                "Rot13")));
        List<String> names = new ArrayList<>();
        SqlDirectives.all().forEach(d -> names.add(d.name()));
        assertEquals(28, names.size());
    }

    @Test
    void likePatternsMatchNamesLiterally() {
        assertEquals("a!%b!_c!!", Accounts.likeEscape("a%b_c!"));
        assertEquals(List.of("naomi", "priscilla", "gertrude"), Accounts.members("naomi, priscilla,,gertrude "));
    }
}

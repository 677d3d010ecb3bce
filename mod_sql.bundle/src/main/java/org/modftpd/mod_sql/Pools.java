package org.modftpd.mod_sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;
import org.osgi.service.jdbc.DataSourceFactory;

/**
 * One HikariCP pool per distinct connection ({@code SQLConnectInfo} or {@code SQLNamedConnectInfo}:
 * backend, database, host, port, user, password, options), shared by every session that uses it.
 * A pool is made on first use, tracks the sessions using it, and is closed once no session has used
 * it for a while (so a reloaded configuration that points elsewhere lets the old pool go), when its
 * driver goes away, and when the module deactivates.
 */
final class Pools {

    /** Tunables (framework properties {@code modftpd.sql.*}); the defaults suit a busy server. */
    record Settings(int maxConnections, Duration connectTimeout, Duration socketTimeout, Duration idleGrace) {
        static final Settings DEFAULT = new Settings(16, Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(60));
    }

    /** What identifies a pool. */
    record Key(Backend backend, ConnectInfo info) {
        String describe() {
            if (backend == Backend.SQLITE3) {
                return "sqlite3:" + info.info();
            }
            ConnectInfo.Location l = info.location(backend);
            return backend + ":" + l.database() + "@" + l.host() + (l.unixSocket() ? "" : ":" + l.port())
                    + (info.user().isEmpty() ? "" : " as " + info.user());
        }
    }

    /** One pool. Its DataSource is created on first use so a database that is down delays nothing. */
    final class Pool {
        private final Key key;
        private final AtomicInteger sessions = new AtomicInteger();
        private volatile long idleSinceNanos = System.nanoTime();
        private volatile HikariDataSource hikari;
        private volatile DataSourceFactory factory;
        private volatile ScheduledFuture<?> keepAlive;
        private volatile boolean closed;

        Pool(Key key) {
            this.key = key;
        }

        Key key() {
            return key;
        }

        /** The pooled DataSource, made now if needed. */
        DataSource dataSource() throws SQLException {
            HikariDataSource h = hikari;
            if (h != null) {
                return h;
            }
            synchronized (this) {
                if (closed) {
                    throw new SQLException("the connection pool for " + key.describe() + " is closed", "08003");
                }
                if (hikari == null) {
                    DataSourceFactory f = factories.apply(key.backend());
                    if (f == null) {
                        throw new SQLException("the " + key.backend() + " driver is not available"
                                + (key.backend() == Backend.POSTGRES ? " (no DataSourceFactory service for"
                                        + " org.postgresql.Driver)" : ""), "08001");
                    }
                    factory = f;
                    Properties props;
                    try {
                        props = properties(key);
                    } catch (IllegalArgumentException e) {
                        throw new SQLException("bad connection info for " + key.backend() + ": " + e.getMessage(),
                                "08001");
                    }
                    hikari = new HikariDataSource(hikariConfig(key, f.createDataSource(props)));
                    log.accept("opened connection pool " + hikari.getPoolName());
                }
                return hikari;
            }
        }

        /**
         * No connection could be had within the timeout. If the pool holds none at all (the database
         * is down or was restarted), it is replaced on next use: HikariCP's connection adder backs off
         * up to five seconds between attempts, which would keep failing logins for that long after
         * the database is back; a fresh pool tries at once.
         */
        void unreachable() {
            HikariDataSource h = hikari;
            if (h == null || h.getHikariPoolMXBean() == null || h.getHikariPoolMXBean().getTotalConnections() > 0) {
                return;
            }
            synchronized (this) {
                if (hikari != h) {
                    return;
                }
                hikari = null;
            }
            log.accept("no connection to " + key.describe() + "; the pool starts afresh on next use");
            h.close();
        }

        /** A session started using this pool. */
        void join() {
            sessions.incrementAndGet();
        }

        /** A session that used this pool ended. */
        void leave() {
            if (sessions.decrementAndGet() <= 0) {
                idleSinceNanos = System.nanoTime();
            }
        }

        int sessions() {
            return sessions.get();
        }

        /** Runs the {@code SQLKeepAlive} statement every {@code seconds} (the first configuration wins). */
        synchronized void keepAlive(SqlDirectives.KeepAlive ka) {
            if (keepAlive != null || closed || ka.seconds() <= 0) {
                return;
            }
            keepAlive = timer.scheduleWithFixedDelay(() -> ping(ka.statement()), ka.seconds(), ka.seconds(),
                    TimeUnit.SECONDS);
        }

        private void ping(String statement) {
            HikariDataSource h = hikari;
            if (h == null || closed) {
                return;
            }
            try (Connection c = h.getConnection(); Statement st = c.createStatement()) {
                st.execute(statement);
            } catch (SQLException | RuntimeException e) {
                // SQLKeepAlive statements need not succeed; the traffic is the point
                log.accept("SQLKeepAlive on " + key.describe() + ": " + e.getMessage());
            }
        }

        boolean builtWith(DataSourceFactory f) {
            return factory == null || factory == f;
        }

        synchronized void close() {
            closed = true;
            ScheduledFuture<?> k = keepAlive;
            if (k != null) {
                k.cancel(false);
            }
            HikariDataSource h = hikari;
            hikari = null;
            if (h != null) {
                h.close();
                log.accept("closed connection pool " + h.getPoolName());
            }
        }

        boolean closed() {
            return closed;
        }

        /** The HikariCP pool, if one was made (for status and tests). */
        HikariDataSource hikari() {
            return hikari;
        }
    }

    private final Map<Key, Pool> pools = new ConcurrentHashMap<>();
    private final Function<Backend, DataSourceFactory> factories;
    private final ScheduledExecutorService timer;
    private final Settings settings;
    private final Consumer<String> log;

    Pools(Function<Backend, DataSourceFactory> factories, ScheduledExecutorService timer, Settings settings,
            Consumer<String> log) {
        this.factories = factories;
        this.timer = timer;
        this.settings = settings;
        this.log = log;
    }

    /** The pool for a connection, made if needed (a closed one is replaced). */
    Pool pool(Key key) {
        Pool p = pools.get(key);
        if (p != null && !p.closed()) {
            return p;
        }
        return pools.compute(key, (k, existing) -> existing == null || existing.closed() ? new Pool(k) : existing);
    }

    List<Pool> all() {
        return new ArrayList<>(pools.values());
    }

    /** Closes pools no session has used for longer than the grace period. */
    void reap() {
        long now = System.nanoTime();
        for (Pool p : pools.values()) {
            if (p.sessions() <= 0 && now - p.idleSinceNanos > settings.idleGrace().toNanos()) {
                if (pools.remove(p.key(), p)) {
                    p.close();
                }
            }
        }
    }

    /** Closes the pools of a backend whose driver is not the given one (null: all of that backend). */
    void closeBackend(Backend backend, DataSourceFactory current) {
        for (Pool p : pools.values()) {
            if (p.key().backend() == backend && (current == null || !p.builtWith(current))) {
                pools.remove(p.key(), p);
                p.close();
            }
        }
    }

    void closeAll() {
        for (Pool p : pools.values()) {
            pools.remove(p.key(), p);
            p.close();
        }
    }

    // ------------------------------------------------------------------ configuration of one pool

    private HikariConfig hikariConfig(Key key, DataSource ds) {
        HikariConfig c = new HikariConfig();
        c.setDataSource(ds);
        c.setPoolName("mod_sql " + key.describe());
        boolean sqlite = key.backend() == Backend.SQLITE3;
        // one writer at a time is SQLite's rule anyway; a single connection also sees every commit
        c.setMaximumPoolSize(sqlite ? 1 : settings.maxConnections());
        c.setMinimumIdle(sqlite ? 1 : Math.min(2, settings.maxConnections()));
        c.setConnectionTimeout(Math.max(250, settings.connectTimeout().toMillis()));
        c.setValidationTimeout(Math.max(250, Math.min(2000, settings.connectTimeout().toMillis())));
        c.setInitializationFailTimeout(-1);
        long idle = key.info().idleSeconds();
        c.setIdleTimeout(idle > 0 ? Math.max(10_000, idle * 1000) : 600_000);
        c.setMaxLifetime(1_800_000);
        c.setAutoCommit(true);
        c.setRegisterMbeans(false);
        if (key.backend() == Backend.POSTGRES) {
            // SqlTemplate escapes values in typed literals the standard way; make sure the server agrees
            c.setConnectionInitSql("SET standard_conforming_strings = on");
        }
        return c;
    }

    /** The properties for the backend's DataSourceFactory. */
    Properties properties(Key key) {
        Properties p = new Properties();
        ConnectInfo info = key.info();
        switch (key.backend()) {
            case SQLITE3 -> {
                p.setProperty(DataSourceFactory.JDBC_DATABASE_NAME, info.info());
                p.setProperty("busy_timeout", Long.toString(Math.max(1000, settings.connectTimeout().toMillis())));
            }
            case POSTGRES -> {
                ConnectInfo.Location l = info.location(Backend.POSTGRES);
                if (l.unixSocket()) {
                    p.setProperty(DataSourceFactory.JDBC_URL, "jdbc:postgresql://localhost:" + l.port() + "/"
                            + encode(l.database()));
                    p.setProperty("socketFactory", PG_SOCKET_FACTORY);
                    p.setProperty("socketFactoryArg", l.host() + "/.s.PGSQL." + l.port());
                    p.setProperty("sslmode", "disable");
                } else {
                    p.setProperty(DataSourceFactory.JDBC_URL, "jdbc:postgresql://" + hostPart(l.host()) + ":"
                            + l.port() + "/" + encode(l.database()));
                }
                if (!info.user().isEmpty()) {
                    p.setProperty(DataSourceFactory.JDBC_USER, info.user());
                }
                if (!info.password().isEmpty()) {
                    p.setProperty(DataSourceFactory.JDBC_PASSWORD, info.password());
                }
                // parameters bound as strings take the type the server infers, as a quoted literal would
                p.setProperty("stringtype", "unspecified");
                p.setProperty("ApplicationName", "modftpd mod_sql");
                p.setProperty("connectTimeout", Long.toString(Math.max(1, settings.connectTimeout().toSeconds())));
                p.setProperty("loginTimeout", Long.toString(Math.max(1, settings.connectTimeout().toSeconds())));
                p.setProperty("socketTimeout", Long.toString(settings.socketTimeout().toSeconds()));
                p.setProperty("tcpKeepAlive", "true");
                if (info.sslCa() != null || info.sslCert() != null || info.sslKey() != null) {
                    p.setProperty("sslmode", info.sslCa() != null ? "verify-ca" : "prefer");
                    if (info.sslCa() != null) {
                        p.setProperty("sslrootcert", info.sslCa());
                    }
                    if (info.sslCert() != null) {
                        p.setProperty("sslcert", info.sslCert());
                    }
                    if (info.sslKey() != null) {
                        p.setProperty("sslkey", info.sslKey());
                    }
                }
            }
            case MYSQL -> {
                ConnectInfo.Location l = info.location(Backend.MYSQL);
                StringBuilder url = new StringBuilder("jdbc:mariadb://");
                url.append(l.unixSocket() ? "localhost" : hostPart(l.host()) + ":" + l.port());
                url.append('/').append(urlSafe(l.database()));
                url.append("?connectTimeout=").append(settings.connectTimeout().toMillis());
                url.append("&socketTimeout=").append(settings.socketTimeout().toMillis());
                url.append("&tcpKeepAlive=true&allowMultiQueries=false&useServerPrepStmts=false");
                if (l.unixSocket()) {
                    url.append("&localSocket=").append(urlSafe(l.host()));
                }
                if (info.sslCa() != null || info.sslCert() != null) {
                    url.append("&sslMode=").append(info.sslCa() != null ? "verify-ca" : "trust");
                    if (info.sslCa() != null) {
                        url.append("&serverSslCert=").append(urlSafe(info.sslCa()));
                    }
                    if (info.sslCiphers() != null) {
                        url.append("&enabledSslCipherSuites=").append(urlSafe(info.sslCiphers()));
                    }
                }
                p.setProperty(DataSourceFactory.JDBC_URL, url.toString());
                if (!info.user().isEmpty()) {
                    p.setProperty(DataSourceFactory.JDBC_USER, info.user());
                }
                if (!info.password().isEmpty()) {
                    p.setProperty(DataSourceFactory.JDBC_PASSWORD, info.password());
                }
            }
        }
        return p;
    }

    /** The socket factory class the PostgreSQL driver loads for Unix sockets (see mod_sql.bundle/pgsocket). */
    static final String PG_SOCKET_FACTORY = "org.modftpd.pgsocket.UnixSocketFactory";

    private static String hostPart(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Connector/J takes option values as written: refuse the characters that would end them. */
    private static String urlSafe(String s) {
        for (char c : new char[] {'&', '?', '#', '=', ' '}) {
            if (s.indexOf(c) >= 0) {
                throw new IllegalArgumentException("'" + s + "' contains '" + c + "'");
            }
        }
        return s;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

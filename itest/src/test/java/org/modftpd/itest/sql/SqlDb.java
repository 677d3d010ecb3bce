package org.modftpd.itest.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.mariadb.jdbc.MariaDbDataSource;
import org.osgi.framework.BundleContext;
import org.osgi.service.jdbc.DataSourceFactory;
import org.osgi.util.tracker.ServiceTracker;

/**
 * JDBC from the tests (inside OSGi), through the drivers mod_sql uses: PostgreSQL's
 * DataSourceFactory service, MariaDB's DataSource class, SQLite's connection class.
 */
public final class SqlDb {

    /** Opens a connection. */
    @FunctionalInterface
    interface Opener {
        Connection open() throws SQLException;
    }

    private final Opener opener;

    private SqlDb(Opener opener) {
        this.opener = opener;
    }

    /** PostgreSQL 127.0.0.1:5432 database {@code test} as postgres, with a search_path (or none). */
    public static SqlDb postgres(BundleContext context, String searchPath) throws Exception {
        ServiceTracker<DataSourceFactory, DataSourceFactory> t = new ServiceTracker<>(context, context.createFilter(
                "(&(objectClass=" + DataSourceFactory.class.getName() + ")(" + DataSourceFactory.OSGI_JDBC_DRIVER_CLASS
                        + "=org.postgresql.Driver))"), null);
        t.open();
        try {
            DataSourceFactory f = t.waitForService(TimeUnit.SECONDS.toMillis(30));
            if (f == null) {
                throw new AssertionError("no DataSourceFactory service for org.postgresql.Driver");
            }
            Properties p = new Properties();
            p.setProperty(DataSourceFactory.JDBC_URL, "jdbc:postgresql://127.0.0.1:5432/test");
            p.setProperty(DataSourceFactory.JDBC_USER, "postgres");
            p.setProperty("connectTimeout", "5");
            javax.sql.DataSource ds = f.createDataSource(p);
            return new SqlDb(() -> {
                Connection c = ds.getConnection();
                if (searchPath != null) {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET search_path TO " + searchPath);
                    }
                }
                return c;
            });
        } finally {
            t.close();
        }
    }

    /** MariaDB 127.0.0.1:3306 database {@code test} as root. */
    public static SqlDb mariadb() throws SQLException {
        MariaDbDataSource ds = new MariaDbDataSource("jdbc:mariadb://127.0.0.1:3306/test?connectTimeout=5000");
        ds.setUser("root");
        return new SqlDb(ds::getConnection);
    }

    /** An SQLite file, opened through the driver's connection class (as mod_sql does). */
    public static SqlDb sqlite(String file) {
        return new SqlDb(() -> {
            Properties p = new Properties();
            p.setProperty("busy_timeout", "5000");
            return new org.sqlite.jdbc4.JDBC4Connection("jdbc:sqlite:" + file, file, p);
        });
    }

    public Connection connect() throws SQLException {
        return opener.open();
    }

    /** Runs statements separated by semicolons at line ends; {@code --} comment lines are skipped. */
    public void script(String text) throws SQLException {
        StringBuilder current = new StringBuilder();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String line : text.split("\n")) {
                String t = line.strip();
                if (t.startsWith("--") || t.isEmpty()) {
                    continue;
                }
                current.append(line).append('\n');
                if (t.endsWith(";")) {
                    String stmt = current.toString().strip();
                    s.execute(stmt.substring(0, stmt.length() - 1));
                    current.setLength(0);
                }
            }
            if (!current.toString().isBlank()) {
                s.execute(current.toString());
            }
        }
    }

    public int update(String sql, Object... params) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    public List<List<String>> rows(String sql, Object... params) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                List<List<String>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    /** The first column of the first row, or null. */
    public String value(String sql, Object... params) throws SQLException {
        List<List<String>> rows = rows(sql, params);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    public long count(String sql, Object... params) throws SQLException {
        return Long.parseLong(value(sql, params));
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }
}

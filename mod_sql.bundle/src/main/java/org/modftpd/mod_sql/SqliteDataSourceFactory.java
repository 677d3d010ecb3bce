package org.modftpd.mod_sql;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.ConnectionPoolDataSource;
import javax.sql.DataSource;
import javax.sql.XADataSource;
import org.osgi.service.jdbc.DataSourceFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.jdbc4.JDBC4Connection;

/**
 * A DataSourceFactory for xerial's sqlite-jdbc, which registers none. Connections are opened by
 * constructing the driver's connection class through the imported package; the driver class
 * {@code org.sqlite.JDBC} is never touched, since loading it registers it with DriverManager.
 * Understands {@code databaseName} (the file) and {@code busy_timeout} (milliseconds a statement
 * waits for a lock another connection or process holds).
 */
final class SqliteDataSourceFactory implements DataSourceFactory {

    @Override
    public DataSource createDataSource(Properties props) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(Integer.parseInt(props.getProperty("busy_timeout", "5000")));
        return new FileDataSource(props.getProperty(JDBC_DATABASE_NAME), config.toProperties());
    }

    @Override
    public ConnectionPoolDataSource createConnectionPoolDataSource(Properties props) throws SQLException {
        throw new SQLFeatureNotSupportedException("mod_sql pools connections with HikariCP");
    }

    @Override
    public XADataSource createXADataSource(Properties props) throws SQLException {
        throw new SQLFeatureNotSupportedException("XA is not used by mod_sql");
    }

    @Override
    public Driver createDriver(Properties props) throws SQLException {
        throw new SQLFeatureNotSupportedException("use createDataSource");
    }

    /** One SQLite database file. */
    private static final class FileDataSource implements DataSource {
        private final String file;
        private final Properties config;
        private volatile int loginTimeout;

        FileDataSource(String file, Properties config) {
            this.file = file;
            this.config = config;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Properties p = new Properties();
            p.putAll(config);
            return new JDBC4Connection("jdbc:sqlite:" + file, file, p);
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            // sqlite-jdbc has no log writer
        }

        @Override
        public void setLoginTimeout(int seconds) {
            loginTimeout = seconds;
        }

        @Override
        public int getLoginTimeout() {
            return loginTimeout;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            if (iface.isInstance(this)) {
                return iface.cast(this);
            }
            throw new SQLException("not a wrapper for " + iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return iface.isInstance(this);
        }
    }
}

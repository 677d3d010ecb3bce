package org.modftpd.mod_sql;

import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import javax.sql.ConnectionPoolDataSource;
import javax.sql.DataSource;
import javax.sql.XADataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.osgi.service.jdbc.DataSourceFactory;

/**
 * What the PostgreSQL driver offers as an OSGi service, for MariaDB Connector/J, which offers none:
 * its DataSource built directly through the imported package (never through DriverManager, which
 * pins class loaders across bundle updates). Understands {@code url}, {@code user} and
 * {@code password}. (Connector/J's own Driver class still registers itself with DriverManager when
 * it is first loaded; that keeps the driver bundle's class loader, never mod_sql's.)
 */
final class MariaDbDataSourceFactory implements DataSourceFactory {

    @Override
    public DataSource createDataSource(Properties props) throws SQLException {
        MariaDbDataSource ds = new MariaDbDataSource(props.getProperty(JDBC_URL));
        if (props.getProperty(JDBC_USER) != null) {
            ds.setUser(props.getProperty(JDBC_USER));
        }
        if (props.getProperty(JDBC_PASSWORD) != null) {
            ds.setPassword(props.getProperty(JDBC_PASSWORD));
        }
        return ds;
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
}

package org.modftpd.mod_sql;

import org.modftpd.spi.FtpModule;
import org.modftpd.spi.ModulePriority;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jdbc.DataSourceFactory;

/**
 * The backend modules ProFTPD compiles next to mod_sql.c, present so that {@code <IfModule
 * mod_sql_postgres.c>} (and the MySQL and SQLite forms) work in existing configurations. They own no
 * directives: mod_sql.c does the work. mod_sql_postgres.c is there only while the PostgreSQL driver's
 * DataSourceFactory service is.
 */
public final class BackendModules {

    private BackendModules() {
    }

    /** mod_sql_postgres.c, while the PostgreSQL driver is available. */
    @Component(service = FtpModule.class)
    public static final class Postgres implements FtpModule {
        @Reference(target = SqlModule.POSTGRES_DRIVER_FILTER)
        DataSourceFactory driver;

        @Override
        public String name() {
            return Backend.POSTGRES.moduleName();
        }

        @Override
        public int priority() {
            return ModulePriority.CONTRIB - 1;
        }
    }

    /** mod_sql_mysql.c (MariaDB Connector/J). */
    @Component(service = FtpModule.class)
    public static final class MySql implements FtpModule {
        @Override
        public String name() {
            return Backend.MYSQL.moduleName();
        }

        @Override
        public int priority() {
            return ModulePriority.CONTRIB - 1;
        }
    }

    /** mod_sql_sqlite.c (xerial sqlite-jdbc). */
    @Component(service = FtpModule.class)
    public static final class Sqlite implements FtpModule {
        @Override
        public String name() {
            return Backend.SQLITE3.moduleName();
        }

        @Override
        public int priority() {
            return ModulePriority.CONTRIB - 1;
        }
    }
}

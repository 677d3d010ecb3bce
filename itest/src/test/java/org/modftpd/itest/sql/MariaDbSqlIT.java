package org.modftpd.itest.sql;

/** mod_sql's scenarios on MariaDB (tables with a prefix of their own). */
public class MariaDbSqlIT extends SqlScenarios {
    @Override
    protected TestDatabase.Kind kind() {
        return TestDatabase.Kind.MARIADB;
    }
}

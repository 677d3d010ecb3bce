package org.modftpd.itest.sql;

/** mod_sql's scenarios on SQLite (a file of its own). */
public class SqliteSqlIT extends SqlScenarios {
    @Override
    protected TestDatabase.Kind kind() {
        return TestDatabase.Kind.SQLITE;
    }
}

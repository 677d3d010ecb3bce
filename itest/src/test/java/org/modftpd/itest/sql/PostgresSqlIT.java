package org.modftpd.itest.sql;

/** mod_sql's scenarios on PostgreSQL (a schema and a role of its own). */
public class PostgresSqlIT extends SqlScenarios {
    @Override
    protected TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRES;
    }
}

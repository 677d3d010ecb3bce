package org.modftpd.itest.sql;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.osgi.framework.BundleContext;

/**
 * One test class's own objects in one database, so that runs can overlap: a PostgreSQL schema (and
 * a login role whose search_path is that schema), MariaDB tables with a unique prefix, or an SQLite
 * file. The tables are created from the schema files mod_sql ships.
 */
public abstract class TestDatabase {

    public enum Kind { POSTGRES, MARIADB, SQLITE }

    /** Where the shipped schema files are, relative to the itest module. */
    static final Path SCHEMA = Path.of("..", "mod_sql.bundle", "schema");

    /** The schema and role, table prefix, or file. */
    public final String name;

    protected TestDatabase(String name) {
        this.name = name;
    }

    /** A fresh name for a test class (outside OSGi, while the configuration is written). */
    public static String newName(Kind kind, String testClass, Path dir) {
        String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        String base = testClass.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return switch (kind) {
            case POSTGRES -> "it_" + base + "_" + suffix;
            case MARIADB -> "it_" + base + "_" + suffix + "_";
            case SQLITE -> dir.resolve("sql-" + suffix + ".db").toString();
        };
    }

    public static TestDatabase of(Kind kind, String name) {
        return switch (kind) {
            case POSTGRES -> new Postgres(name);
            case MARIADB -> new MariaDb(name);
            case SQLITE -> new Sqlite(name);
        };
    }

    /** SQLBackend, SQLConnectInfo and, where tables are renamed, SQLUserInfo and SQLGroupInfo. */
    public abstract String connectionConfig();

    /** The name of one of the test's tables. */
    public String table(String base) {
        return base;
    }

    /** A connection for the test itself (inside OSGi), seeing the test's tables unqualified. */
    public abstract SqlDb open(BundleContext context) throws Exception;

    /** Creates the schema (role, file) and the users and groups tables from the shipped schema file. */
    public abstract void create(BundleContext context) throws Exception;

    /** Removes everything the test created (with the connections made by {@link #create}). */
    public abstract void drop() throws Exception;

    /** Creates a further table from portable column definitions. */
    public void createTable(SqlDb db, String base, String columns) throws Exception {
        db.update("CREATE TABLE " + table(base) + " (" + columns + ")");
    }

    static String schemaFile(String file) throws java.io.IOException {
        return Files.readString(SCHEMA.resolve(file), StandardCharsets.UTF_8);
    }

    /** PostgreSQL: a schema and a login role whose search_path is the schema. */
    static final class Postgres extends TestDatabase {
        Postgres(String name) {
            super(name);
        }

        @Override
        public String connectionConfig() {
            return "SQLBackend postgres\nSQLConnectInfo test@127.0.0.1:5432 " + name + " unused-with-trust\n";
        }

        @Override
        public SqlDb open(BundleContext context) throws Exception {
            return SqlDb.postgres(context, name);
        }

        /** The superuser connection, kept for {@link #drop} (the driver's service may be gone by then). */
        private SqlDb admin;

        @Override
        public void create(BundleContext context) throws Exception {
            admin = SqlDb.postgres(context, null);
            admin.update("CREATE ROLE " + name + " LOGIN");
            admin.update("CREATE SCHEMA " + name + " AUTHORIZATION " + name);
            admin.update("ALTER ROLE " + name + " SET search_path = " + name);
            admin.update("ALTER DEFAULT PRIVILEGES IN SCHEMA " + name + " GRANT ALL ON TABLES TO " + name);
            open(context).script(schemaFile("postgres.sql"));
        }

        @Override
        public void drop() throws Exception {
            admin.rows("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?", name);
            admin.update("DROP SCHEMA IF EXISTS " + name + " CASCADE");
            admin.update("DROP ROLE IF EXISTS " + name);
        }

        /** Connections the server has open to PostgreSQL as this test's role. */
        long serverConnections(BundleContext context) throws Exception {
            return SqlDb.postgres(context, null).count(
                    "SELECT count(*) FROM pg_stat_activity WHERE usename = ? AND application_name = 'modftpd mod_sql'",
                    name);
        }
    }

    /** MariaDB: tables with a unique prefix in database {@code test}. */
    static final class MariaDb extends TestDatabase {
        MariaDb(String prefix) {
            super(prefix);
        }

        @Override
        public String connectionConfig() {
            return "SQLBackend mysql\nSQLConnectInfo test@127.0.0.1:3306 root\n"
                    + "SQLUserInfo " + table("users") + " userid passwd uid gid homedir shell\n"
                    + "SQLGroupInfo " + table("groups") + " groupname gid members\n";
        }

        @Override
        public String table(String base) {
            return name + base;
        }

        @Override
        public SqlDb open(BundleContext context) throws Exception {
            return SqlDb.mariadb();
        }

        @Override
        public void create(BundleContext context) throws Exception {
            String ddl = schemaFile("mysql.sql").replace("TABLE users", "TABLE " + table("users"))
                    .replace("`groups`", "`" + table("groups") + "`");
            open(context).script(ddl);
        }

        @Override
        public void drop() throws Exception {
            SqlDb db = SqlDb.mariadb();
            List<List<String>> tables = db.rows("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = 'test' AND table_name LIKE ?", name.replace("_", "\\_") + "%");
            for (List<String> t : tables) {
                db.update("DROP TABLE IF EXISTS `" + t.get(0) + "`");
            }
        }
    }

    /** SQLite: a file in the test's folder. */
    static final class Sqlite extends TestDatabase {
        Sqlite(String file) {
            super(file);
        }

        @Override
        public String connectionConfig() {
            return "SQLBackend sqlite3\nSQLConnectInfo " + name + "\n";
        }

        @Override
        public SqlDb open(BundleContext context) {
            return SqlDb.sqlite(name);
        }

        @Override
        public void create(BundleContext context) throws Exception {
            open(context).script(schemaFile("sqlite.sql"));
        }

        @Override
        public void drop() throws Exception {
            Files.deleteIfExists(Path.of(name));
        }
    }
}

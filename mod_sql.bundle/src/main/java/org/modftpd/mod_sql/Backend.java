package org.modftpd.mod_sql;

import java.util.Locale;

/**
 * The database products behind {@code SQLBackend}, named as ProFTPD names its backend modules
 * (mod_sql_postgres, mod_sql_mysql, mod_sql_sqlite). Each knows its SQL dialect's quoting rules,
 * which {@link SqlTemplate} needs to tell literals, identifiers and comments apart.
 */
enum Backend {
    POSTGRES("postgres", "mod_sql_postgres.c", 5432),
    MYSQL("mysql", "mod_sql_mysql.c", 3306),
    SQLITE3("sqlite3", "mod_sql_sqlite.c", 0);

    private final String configName;
    private final String moduleName;
    private final int defaultPort;

    Backend(String configName, String moduleName, int defaultPort) {
        this.configName = configName;
        this.moduleName = moduleName;
        this.defaultPort = defaultPort;
    }

    /** The name in {@code SQLBackend} and {@code SQLNamedConnectInfo}. */
    String configName() {
        return configName;
    }

    /** The ProFTPD module that provides this backend, for {@code <IfModule>}. */
    String moduleName() {
        return moduleName;
    }

    int defaultPort() {
        return defaultPort;
    }

    /** Whether backslash escapes are processed inside ordinary string literals. */
    boolean backslashInStrings() {
        return this == MYSQL;
    }

    /** Whether {@code "..."} is a string literal (MySQL) rather than a quoted identifier. */
    boolean doubleQuotedStrings() {
        return this == MYSQL;
    }

    /** Whether {@code `...`} quotes an identifier. */
    boolean backtickIdentifiers() {
        return this == MYSQL || this == SQLITE3;
    }

    static Backend parse(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "postgres", "postgresql", "pgsql" -> POSTGRES;
            case "mysql", "mariadb" -> MYSQL;
            case "sqlite3", "sqlite" -> SQLITE3;
            case "odbc" -> throw new IllegalArgumentException("SQLBackend 'odbc' is not supported"
                    + " (use postgres, mysql or sqlite3)");
            default -> throw new IllegalArgumentException("unknown SQLBackend '" + word
                    + "' (use postgres, mysql or sqlite3)");
        };
    }

    @Override
    public String toString() {
        return configName;
    }
}

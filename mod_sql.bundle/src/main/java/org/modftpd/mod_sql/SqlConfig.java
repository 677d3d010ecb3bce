package org.modftpd.mod_sql;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.modftpd.api.Config;
import org.modftpd.mod_sql.SqlDirectives.Authenticate;
import org.modftpd.mod_sql.SqlDirectives.Columns;
import org.modftpd.mod_sql.SqlDirectives.Engine;
import org.modftpd.mod_sql.SqlDirectives.GroupInfo;
import org.modftpd.mod_sql.SqlDirectives.KeepAlive;
import org.modftpd.mod_sql.SqlDirectives.LogRule;
import org.modftpd.mod_sql.SqlDirectives.NamedConnect;
import org.modftpd.mod_sql.SqlDirectives.NamedQuery;
import org.modftpd.mod_sql.SqlDirectives.Option;
import org.modftpd.mod_sql.SqlDirectives.ShowInfo;
import org.modftpd.mod_sql.SqlDirectives.UserInfo;

/**
 * mod_sql's directives as one session sees them, resolved once per configuration view (ProFTPD's
 * {@code cmap}, built in sess_init).
 */
record SqlConfig(Engine engine, Backend backend, ConnectInfo connect, Map<String, NamedConnect> named,
        Authenticate authenticate, List<Passwords.Type> authTypes, UserInfo user, GroupInfo group, String userWhere,
        String groupWhere, long minUid, long minGid, long defaultUid, long defaultGid, String defaultHome,
        boolean negativeCache, String userPrimaryKey, String groupPrimaryKey, Set<Option> options,
        KeepAlive keepAlive, Map<String, NamedQuery> queries, List<LogRule> logs, List<ShowInfo> infos,
        String logFile, Columns ratios, Columns ratioStats) {

    /** The name of the connection {@code SQLConnectInfo} defines. */
    static final String DEFAULT_CONNECTION = "default";

    static SqlConfig of(Config c) {
        Optional<ConnectInfo> connect = c.get(SqlDirectives.SQL_CONNECT_INFO);
        Backend backend = c.get(SqlDirectives.SQL_BACKEND).orElseGet(() -> guessBackend(connect));
        Map<String, NamedConnect> named = new HashMap<>();
        for (NamedConnect n : c.getAll(SqlDirectives.SQL_NAMED_CONNECT_INFO)) {
            named.putIfAbsent(n.name(), n);
        }
        Map<String, NamedQuery> queries = new HashMap<>();
        for (NamedQuery q : c.getAll(SqlDirectives.SQL_NAMED_QUERY)) {
            queries.putIfAbsent(q.name(), q);
        }
        Set<Option> options = EnumSet.noneOf(Option.class);
        for (Set<Option> o : c.getAll(SqlDirectives.SQL_OPTIONS)) {
            options.addAll(o);
        }
        List<Passwords.Type> types = new ArrayList<>();
        for (String t : c.get(SqlDirectives.SQL_AUTH_TYPES).orElse(List.of())) {
            types.add(Passwords.Type.valueOf(t));
        }
        Optional<Long> minId = c.get(SqlDirectives.SQL_MIN_ID);
        Columns ratioStats = c.get(SqlDirectives.SQL_RATIO_STATS).filter(x -> x.first() != null).orElse(null);
        Columns ratios = c.get(SqlDirectives.SQL_RATIOS).filter(x -> x.first() != null).orElse(null);
        return new SqlConfig(c.value(SqlDirectives.SQL_ENGINE), backend, connect.orElse(null), Map.copyOf(named),
                c.value(SqlDirectives.SQL_AUTHENTICATE), List.copyOf(types), c.value(SqlDirectives.SQL_USER_INFO),
                c.value(SqlDirectives.SQL_GROUP_INFO), c.get(SqlDirectives.SQL_USER_WHERE_CLAUSE).orElse(null),
                c.get(SqlDirectives.SQL_GROUP_WHERE_CLAUSE).orElse(null),
                minId.orElseGet(() -> c.value(SqlDirectives.SQL_MIN_USER_UID)),
                minId.orElseGet(() -> c.value(SqlDirectives.SQL_MIN_USER_GID)), c.value(SqlDirectives.SQL_DEFAULT_UID),
                c.value(SqlDirectives.SQL_DEFAULT_GID), c.get(SqlDirectives.SQL_DEFAULT_HOMEDIR).orElse(null),
                c.value(SqlDirectives.SQL_NEGATIVE_CACHE), c.get(SqlDirectives.SQL_USER_PRIMARY_KEY).orElse(null),
                c.get(SqlDirectives.SQL_GROUP_PRIMARY_KEY).orElse(null), Set.copyOf(options),
                c.get(SqlDirectives.SQL_KEEP_ALIVE).orElse(null), Map.copyOf(queries),
                List.copyOf(c.getAll(SqlDirectives.SQL_LOG)), List.copyOf(c.getAll(SqlDirectives.SQL_SHOW_INFO)),
                c.get(SqlDirectives.SQL_LOG_FILE).orElse(null), ratios, ratioStats);
    }

    /**
     * Without {@code SQLBackend}: SQLite when the connection info is a file, else MySQL (ProFTPD uses
     * the first backend compiled in, which is MySQL in most builds).
     */
    private static Backend guessBackend(Optional<ConnectInfo> connect) {
        if (connect.isPresent() && (connect.get().info().startsWith("/") || connect.get().info().equals(":memory:"))) {
            return Backend.SQLITE3;
        }
        return Backend.MYSQL;
    }

    /** Whether mod_sql does anything here: ProFTPD switches itself off without SQLConnectInfo. */
    boolean enabled() {
        return connect != null && !engine.off();
    }

    boolean authEnabled() {
        return enabled() && engine.auth();
    }

    boolean logEnabled() {
        return enabled() && engine.log();
    }

    /** Whether users can be looked up: a home directory must come from a column or SQLDefaultHomedir. */
    boolean usersEnabled() {
        return authEnabled() && authenticate.users() && (user.custom() || user.home() != null || defaultHome != null);
    }

    boolean groupsEnabled() {
        return authEnabled() && authenticate.groups();
    }

    boolean option(Option o) {
        return options.contains(o);
    }

    /** The backend and connection info of a connection name (null or "default": SQLConnectInfo). */
    Pools.Key connection(String name) {
        if (name == null || name.equals(DEFAULT_CONNECTION)) {
            return new Pools.Key(backend, connect);
        }
        NamedConnect n = named.get(name);
        return n == null ? null : new Pools.Key(n.backend(), n.info());
    }

    /** Every connection this configuration names. */
    List<Pools.Key> connections() {
        List<Pools.Key> keys = new ArrayList<>();
        if (connect != null) {
            keys.add(connection(null));
        }
        for (NamedConnect n : named.values()) {
            keys.add(new Pools.Key(n.backend(), n.info()));
        }
        return keys;
    }
}

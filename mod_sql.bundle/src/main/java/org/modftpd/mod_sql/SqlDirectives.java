package org.modftpd.mod_sql;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.modftpd.api.DirectiveSpec;

/** The directives of mod_sql.c, with ProFTPD's arguments, contexts and defaults. */
final class SqlDirectives {

    private SqlDirectives() {
    }

    /** {@code SQLEngine on|off|auth|log}. */
    record Engine(boolean auth, boolean log) {
        static final Engine ON = new Engine(true, true);
        static final Engine OFF = new Engine(false, false);

        boolean off() {
            return !auth && !log;
        }
    }

    /** {@code SQLAuthenticate}: which lookups mod_sql answers. */
    record Authenticate(boolean users, boolean groups, boolean userset, boolean groupset, boolean fastUsers,
            boolean fastGroups) {
        static final Authenticate ALL = new Authenticate(true, true, true, true, false, false);
        static final Authenticate NONE = new Authenticate(false, false, false, false, false, false);
    }

    /**
     * {@code SQLUserInfo}: a table and its columns (a column may be {@code NULL}: not queried), or
     * {@code custom:/by-name[/by-id[/names[/all]]]} named queries.
     */
    record UserInfo(String table, String name, String password, String uid, String gid, String home, String shell,
            String customByName, String customById, String customNames, String customAll) {
        static final UserInfo DEFAULT = new UserInfo("users", "userid", "passwd", "uid", "gid", "homedir", "shell",
                null, null, null, null);

        boolean custom() {
            return customByName != null;
        }
    }

    /** {@code SQLGroupInfo}: a table and its columns, or {@code custom:/by-name/by-id/by-member[/names[/all]]}. */
    record GroupInfo(String table, String name, String gid, String members, String customByName, String customById,
            String customByMember, String customNames, String customAll) {
        static final GroupInfo DEFAULT = new GroupInfo("groups", "groupname", "gid", "members", null, null, null,
                null, null);

        boolean custom() {
            return customByName != null || customByMember != null;
        }
    }

    /** {@code SQLOptions}. */
    enum Option { NO_DISCONNECT_ON_ERROR, NO_RECONNECT, USE_NORMALIZED_GROUP_SCHEMA, IGNORE_CONFIG_FILE }

    /** {@code SQLKeepAlive interval [statement]}. */
    record KeepAlive(long seconds, String statement) {
    }

    /** The four kinds of {@code SQLNamedQuery}. */
    enum QueryType { SELECT, UPDATE, INSERT, FREEFORM }

    /** {@code SQLNamedQuery name type "text" [table] [connection]}. */
    record NamedQuery(String name, QueryType type, String text, String table, String connection) {
    }

    /** {@code SQLNamedConnectInfo name backend info [user [password [policy]]] [ssl-...]}. */
    record NamedConnect(String name, Backend backend, ConnectInfo info) {
    }

    /** {@code SQLLog cmd[,cmd...] query ["IGNORE_ERRORS"]}: commands upper-cased, {@code ERR_} kept. */
    record LogRule(Set<String> commands, String query, boolean ignoreErrors) {
    }

    /** {@code SQLShowInfo cmd[,cmd...] code "text"}. */
    record ShowInfo(Set<String> commands, int code, String text) {
    }

    /** Column names of {@code SQLRatios} (frate fcred brate bcred) or {@code SQLRatioStats} (fstor fretr bstor bretr). */
    record Columns(String first, String second, String third, String fourth) {
    }

    static final DirectiveSpec<Engine> SQL_ENGINE = DirectiveSpec.builder("SQLEngine", args -> {
        String a = args.get(0).toLowerCase(Locale.ROOT);
        return switch (a) {
            case "auth" -> new Engine(true, false);
            case "log" -> new Engine(false, true);
            default -> DirectiveSpec.parseFlag(a) ? Engine.ON : Engine.OFF;
        };
    }).args(1, 1).contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).defaultValue(Engine.ON).build();

    static final DirectiveSpec<Backend> SQL_BACKEND = DirectiveSpec.builder("SQLBackend",
            args -> Backend.parse(args.get(0))).args(1, 1).build();

    static final DirectiveSpec<ConnectInfo> SQL_CONNECT_INFO = DirectiveSpec.builder("SQLConnectInfo",
            args -> checkSyntax(ConnectInfo.parse(args))).args(1, 8).build();

    static final DirectiveSpec<NamedConnect> SQL_NAMED_CONNECT_INFO = DirectiveSpec.builder("SQLNamedConnectInfo",
            args -> {
                Backend b = Backend.parse(args.get(1));
                return new NamedConnect(args.get(0), b, ConnectInfo.parse(args.subList(2, args.size())).validate(b));
            }).args(3, 10).repeatable().build();

    static final DirectiveSpec<Authenticate> SQL_AUTHENTICATE = DirectiveSpec.builder("SQLAuthenticate",
            SqlDirectives::authenticate).args(1, 4).defaultValue(Authenticate.ALL).build();

    static final DirectiveSpec<List<String>> SQL_AUTH_TYPES = DirectiveSpec.builder("SQLAuthTypes", args -> {
        List<String> types = new ArrayList<>();
        for (String a : args) {
            types.add(Passwords.Type.parse(a).name());
        }
        return List.copyOf(types);
    }).args(1, Integer.MAX_VALUE).build();

    static final DirectiveSpec<UserInfo> SQL_USER_INFO = DirectiveSpec.builder("SQLUserInfo", args -> {
        if (args.size() == 1) {
            List<String> q = custom(args.get(0), 1, 4);
            return new UserInfo(null, null, null, null, null, null, null, q.get(0), at(q, 1), at(q, 2), at(q, 3));
        }
        if (args.size() != 7) {
            throw new IllegalArgumentException("expected table user-column password-column uid gid home shell,"
                    + " or custom:/named-query[/...]");
        }
        return new UserInfo(args.get(0), args.get(1), args.get(2), nullable(args.get(3)), nullable(args.get(4)),
                nullable(args.get(5)), nullable(args.get(6)), null, null, null, null);
    }).args(1, 7).defaultValue(UserInfo.DEFAULT).build();

    static final DirectiveSpec<GroupInfo> SQL_GROUP_INFO = DirectiveSpec.builder("SQLGroupInfo", args -> {
        if (args.size() == 1) {
            List<String> q = custom(args.get(0), 3, 5);
            return new GroupInfo(null, null, null, null, q.get(0), q.get(1), q.get(2), at(q, 3), at(q, 4));
        }
        if (args.size() != 4) {
            throw new IllegalArgumentException("expected table name-column gid-column members-column,"
                    + " or custom:/by-name/by-id/by-member[/...]");
        }
        return new GroupInfo(args.get(0), args.get(1), args.get(2), args.get(3), null, null, null, null, null);
    }).args(1, 4).defaultValue(GroupInfo.DEFAULT).build();

    static final DirectiveSpec<String> SQL_USER_WHERE_CLAUSE = DirectiveSpec.text("SQLUserWhereClause", null)
            .build();

    static final DirectiveSpec<String> SQL_GROUP_WHERE_CLAUSE = DirectiveSpec.text("SQLGroupWhereClause", null)
            .build();

    static final DirectiveSpec<Long> SQL_MIN_ID = DirectiveSpec.number("SQLMinID", 999, 0, 0xFFFFFFFFL).build();

    static final DirectiveSpec<Long> SQL_MIN_USER_UID = DirectiveSpec.number("SQLMinUserUID", 999, 0, 0xFFFFFFFFL)
            .build();

    static final DirectiveSpec<Long> SQL_MIN_USER_GID = DirectiveSpec.number("SQLMinUserGID", 999, 0, 0xFFFFFFFFL)
            .build();

    static final DirectiveSpec<Long> SQL_DEFAULT_UID = DirectiveSpec.number("SQLDefaultUID", 65533, 0, 0xFFFFFFFFL)
            .build();

    static final DirectiveSpec<Long> SQL_DEFAULT_GID = DirectiveSpec.number("SQLDefaultGID", 65533, 0, 0xFFFFFFFFL)
            .build();

    static final DirectiveSpec<String> SQL_DEFAULT_HOMEDIR = DirectiveSpec.text("SQLDefaultHomedir", null).build();

    static final DirectiveSpec<Boolean> SQL_NEGATIVE_CACHE = DirectiveSpec.flag("SQLNegativeCache", false).build();

    static final DirectiveSpec<String> SQL_USER_PRIMARY_KEY = DirectiveSpec.text("SQLUserPrimaryKey", null).build();

    static final DirectiveSpec<String> SQL_GROUP_PRIMARY_KEY = DirectiveSpec.text("SQLGroupPrimaryKey", null)
            .build();

    static final DirectiveSpec<Set<Option>> SQL_OPTIONS = DirectiveSpec.builder("SQLOptions", args -> {
        Set<Option> set = EnumSet.noneOf(Option.class);
        for (String a : args) {
            set.add(switch (a.toLowerCase(Locale.ROOT)) {
                case "nodisconnectonerror" -> Option.NO_DISCONNECT_ON_ERROR;
                case "noreconnect" -> Option.NO_RECONNECT;
                case "usenormalizedgroupschema" -> Option.USE_NORMALIZED_GROUP_SCHEMA;
                case "ignoreconfigfile" -> Option.IGNORE_CONFIG_FILE;
                default -> throw new IllegalArgumentException("unknown SQLOption '" + a + "'");
            });
        }
        return Set.copyOf(set);
    }).args(1, Integer.MAX_VALUE).repeatable().build();

    static final DirectiveSpec<KeepAlive> SQL_KEEP_ALIVE = DirectiveSpec.builder("SQLKeepAlive", args -> {
        long seconds = DirectiveSpec.parseNumber(args.get(0), 0, Integer.MAX_VALUE);
        return new KeepAlive(seconds, args.size() > 1 ? args.get(1) : "SELECT 1");
    }).args(1, 2).build();

    static final DirectiveSpec<NamedQuery> SQL_NAMED_QUERY = DirectiveSpec.builder("SQLNamedQuery", args -> {
        String name = args.get(0);
        QueryType type;
        try {
            type = QueryType.valueOf(args.get(1).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("type must be SELECT, INSERT, UPDATE, or FREEFORM");
        }
        String text = args.get(2);
        checkTemplate(text);
        String table = null;
        String conn = null;
        if (type == QueryType.UPDATE || type == QueryType.INSERT) {
            if (args.size() < 4) {
                throw new IllegalArgumentException("expected '" + type + "' query-string table-name");
            }
            table = args.get(3);
            conn = args.size() > 4 ? args.get(4) : null;
        } else {
            if (args.size() > 4) {
                throw new IllegalArgumentException("too many parameters for a " + type + " query");
            }
            conn = args.size() > 3 ? args.get(3) : null;
        }
        return new NamedQuery(name, type, text, table, conn);
    }).args(3, 5).repeatable().build();

    static final DirectiveSpec<LogRule> SQL_LOG = DirectiveSpec.builder("SQLLog", args -> {
        if (args.size() == 3 && !args.get(2).equalsIgnoreCase("IGNORE_ERRORS")) {
            return new LogRule(commands(args.get(0)), args.get(1), false);
        }
        return new LogRule(commands(args.get(0)), args.get(1), args.size() == 3);
    }).args(2, 3).repeatable().build();

    /** Accepted for compatibility; modftpd has no event bus for it, so it logs a notice and does nothing. */
    static final DirectiveSpec<List<String>> SQL_LOG_ON_EVENT = DirectiveSpec.words("SQLLogOnEvent", 2, 3)
            .repeatable().build();

    static final DirectiveSpec<ShowInfo> SQL_SHOW_INFO = DirectiveSpec.builder("SQLShowInfo", args -> {
        int code = (int) DirectiveSpec.parseNumber(args.get(1), 100, 599);
        return new ShowInfo(commands(args.get(0)), code, args.get(2));
    }).args(3, 3).repeatable().build();

    static final DirectiveSpec<String> SQL_LOG_FILE = DirectiveSpec.builder("SQLLogFile", args -> {
        String p = args.get(0);
        if (!p.equalsIgnoreCase("none") && !p.startsWith("/")) {
            throw new IllegalArgumentException("'" + p + "' is not an absolute path");
        }
        return p;
    }).args(1, 1).build();

    static final DirectiveSpec<Columns> SQL_RATIOS = DirectiveSpec.builder("SQLRatios",
            args -> columns(args, "frate", "fcred", "brate", "bcred"))
            .args(1, 4).contexts(org.modftpd.api.ContextKind.SERVER, org.modftpd.api.ContextKind.GLOBAL).build();

    static final DirectiveSpec<Columns> SQL_RATIO_STATS = DirectiveSpec.builder("SQLRatioStats",
            args -> columns(args, "fstor", "fretr", "bstor", "bretr"))
            .args(1, 4).contexts(org.modftpd.api.ContextKind.SERVER, org.modftpd.api.ContextKind.GLOBAL).build();

    static List<DirectiveSpec<?>> all() {
        return List.of(SQL_ENGINE, SQL_BACKEND, SQL_CONNECT_INFO, SQL_NAMED_CONNECT_INFO, SQL_AUTHENTICATE,
                SQL_AUTH_TYPES, SQL_USER_INFO, SQL_GROUP_INFO, SQL_USER_WHERE_CLAUSE, SQL_GROUP_WHERE_CLAUSE,
                SQL_MIN_ID, SQL_MIN_USER_UID, SQL_MIN_USER_GID, SQL_DEFAULT_UID, SQL_DEFAULT_GID, SQL_DEFAULT_HOMEDIR,
                SQL_NEGATIVE_CACHE, SQL_USER_PRIMARY_KEY, SQL_GROUP_PRIMARY_KEY, SQL_OPTIONS, SQL_KEEP_ALIVE,
                SQL_NAMED_QUERY, SQL_LOG, SQL_LOG_ON_EVENT, SQL_SHOW_INFO, SQL_LOG_FILE, SQL_RATIOS, SQL_RATIO_STATS);
    }

    // ------------------------------------------------------------------ parsing helpers

    private static ConnectInfo checkSyntax(ConnectInfo ci) {
        if (ci.info().startsWith("/") || ci.info().equals(":memory:")) {
            return ci;
        }
        ci.location(Backend.POSTGRES);
        return ci;
    }

    private static Authenticate authenticate(List<String> args) {
        if (args.size() == 1 && args.get(0).equalsIgnoreCase("on")) {
            return Authenticate.ALL;
        }
        if (args.size() == 1 && args.get(0).equalsIgnoreCase("off")) {
            return Authenticate.NONE;
        }
        boolean users = false;
        boolean groups = false;
        boolean userset = false;
        boolean groupset = false;
        boolean fastUsers = false;
        boolean fastGroups = false;
        Set<String> seen = new LinkedHashSet<>();
        for (String a : args) {
            String w = a.toLowerCase(Locale.ROOT);
            String kind = w.startsWith("groupset") ? "groupset" : w.startsWith("userset") ? "userset"
                    : w.startsWith("groups") ? "groups" : w.startsWith("users") ? "users" : null;
            if (kind == null) {
                throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
            if (!seen.add(kind)) {
                throw new IllegalArgumentException(kind + " already set");
            }
            switch (w) {
                case "users", "users*" -> users = true;
                case "groups", "groups*" -> groups = true;
                case "userset" -> userset = true;
                case "usersetfast" -> {
                    userset = true;
                    fastUsers = true;
                }
                case "groupset" -> groupset = true;
                case "groupsetfast" -> {
                    groupset = true;
                    fastGroups = true;
                }
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        return new Authenticate(users, groups, userset, groupset, fastUsers, fastGroups);
    }

    private static List<String> custom(String arg, int min, int max) {
        if (!arg.startsWith("custom:/")) {
            throw new IllegalArgumentException("badly formatted parameter '" + arg + "' (expected custom:/...)");
        }
        List<String> names = new ArrayList<>();
        for (String n : arg.substring(8).split("/", -1)) {
            if (!n.isEmpty()) {
                names.add(n);
            }
        }
        if (names.size() < min || names.size() > max) {
            throw new IllegalArgumentException("'" + arg + "' names " + names.size() + " queries; expected "
                    + (min == max ? min : min + " to " + max));
        }
        return names;
    }

    private static String at(List<String> l, int i) {
        return i < l.size() ? l.get(i) : null;
    }

    private static String nullable(String column) {
        return column.equalsIgnoreCase("NULL") ? null : column;
    }

    private static Set<String> commands(String list) {
        Set<String> set = new LinkedHashSet<>();
        for (String c : list.split("[, ]+")) {
            if (!c.isEmpty()) {
                set.add(c.toUpperCase(Locale.ROOT));
            }
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException("empty command list");
        }
        return Set.copyOf(set);
    }

    private static Columns columns(List<String> args, String a, String b, String c, String d) {
        if (args.size() == 1) {
            return DirectiveSpec.parseFlag(args.get(0)) ? new Columns(a, b, c, d) : new Columns(null, null, null, null);
        }
        if (args.size() != 4) {
            throw new IllegalArgumentException("requires a boolean or 4 field names: " + a + " " + b + " " + c + " "
                    + d);
        }
        return new Columns(args.get(0), args.get(1), args.get(2), args.get(3));
    }

    /** Reports a query that can never be made safe (an unterminated quote) at startup, with its line. */
    private static void checkTemplate(String text) {
        for (Backend b : Backend.values()) {
            try {
                SqlTemplate.compile(text, b);
                return;
            } catch (SqlTemplate.TemplateException e) {
                // try the next dialect; one is enough at startup, the backend in use decides later
            }
        }
        throw new IllegalArgumentException("syntax error in query: unterminated quote or comment in '" + text + "'");
    }
}

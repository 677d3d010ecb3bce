package org.modftpd.mod_sql;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.modftpd.api.Command;
import org.modftpd.api.Command.Outcome;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.api.GroupAccount;
import org.modftpd.api.LogTemplate;
import org.modftpd.api.Session;
import org.modftpd.api.UserAccount;
import org.modftpd.mod_sql.Database.DbException;
import org.modftpd.mod_sql.SessionState.UserRow;
import org.modftpd.mod_sql.SqlDirectives.Columns;
import org.modftpd.mod_sql.SqlDirectives.LogRule;
import org.modftpd.mod_sql.SqlDirectives.NamedQuery;
import org.modftpd.mod_sql.SqlDirectives.Option;
import org.modftpd.mod_sql.SqlDirectives.QueryType;
import org.modftpd.mod_sql.SqlDirectives.ShowInfo;
import org.modftpd.mod_sql.SqlTemplate.TemplateException;
import org.modftpd.spi.AuthAnswer;
import org.modftpd.spi.AuthProvider;
import org.modftpd.spi.AuthResult;
import org.modftpd.spi.CommandSpec;
import org.modftpd.spi.FtpModule;
import org.modftpd.spi.ModulePriority;
import org.modftpd.spi.Phase;
import org.modftpd.spi.SessionHooks;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jdbc.DataSourceFactory;

/**
 * mod_sql.c: users and groups from SQL tables (or named queries), {@code SQLLog} and
 * {@code SQLShowInfo}, on PostgreSQL, MariaDB/MySQL or SQLite through a shared HikariCP pool.
 *
 * <p>As in ProFTPD, a database error ends the session unless {@code SQLOptions NoDisconnectOnError}
 * (or {@code IGNORE_ERRORS} on the SQLLog line) says otherwise; during a login the client first gets
 * the usual {@code 530} reply. The server goes on serving, and once the database is back the pool
 * reconnects by itself.
 *
 * <p>Every value from a client, DNS, a note or the environment reaches the database as a bound
 * parameter or, inside a typed literal or quoted name, escaped by the backend's rules (see
 * {@link SqlTemplate}).
 */
@Component(service = FtpModule.class)
public final class SqlModule implements FtpModule, AuthProvider {

    static final String VERSION = "mod_sql/4.5";
    static final String MODULE_NAME = "mod_sql.c";
    static final String POSTGRES_DRIVER_FILTER = "(" + DataSourceFactory.OSGI_JDBC_DRIVER_CLASS
            + "=org.postgresql.Driver)";

    /** Session notes set after login, as ProFTPD names them. */
    static final String NOTE_USER_PRIMARY_KEY = "sql.user-primary-key";
    static final String NOTE_GROUP_PRIMARY_KEY = "sql.group-primary-key";
    /** Ratio settings and transfer counters ({@code SQLRatios}, {@code SQLRatioStats}) for mod_ratio. */
    static final String NOTE_RATIO = "sql.ratio.";
    static final String NOTE_STATS = "sql.stats.";
    /** Command note: the size of the file a DELE removes, for {@code %b}. */
    private static final String DELE_SIZE = "mod_sql.dele-size";

    /** Read by name only, to answer a failed login as mod_auth would. */
    private static final DirectiveSpec<String> ACCESS_DENY_MSG = DirectiveSpec.builder("AccessDenyMsg",
            args -> String.join(" ", args)).args(1, Integer.MAX_VALUE).build();

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("mod_sql");

    private final Map<Session, SessionState> states = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<String, SqlTemplate> templates = new ConcurrentHashMap<>();
    private final SqlLogFiles logFiles = new SqlLogFiles();
    private volatile DataSourceFactory postgres;
    private volatile Pools pools;
    private volatile ScheduledExecutorService timer;
    private volatile boolean active;
    private volatile boolean eventNotice;

    // ------------------------------------------------------------------ lifecycle

    @Activate
    void activate(BundleContext context) {
        Pools.Settings defaults = Pools.Settings.DEFAULT;
        Pools.Settings settings = new Pools.Settings(
                (int) number(context, "modftpd.sql.maxConnections", defaults.maxConnections(), 1, 1000),
                Duration.ofMillis(number(context, "modftpd.sql.connectTimeoutMillis",
                        defaults.connectTimeout().toMillis(), 250, 600_000)),
                Duration.ofSeconds(number(context, "modftpd.sql.socketTimeoutSeconds",
                        defaults.socketTimeout().toSeconds(), 0, 86_400)),
                Duration.ofSeconds(number(context, "modftpd.sql.poolIdleSeconds", defaults.idleGrace().toSeconds(),
                        0, 86_400)));
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "mod_sql timer");
            th.setDaemon(true);
            return th;
        });
        timer = t;
        Pools p = new Pools(this::factory, t, settings, message -> LOG.info("{}: {}", VERSION, message));
        pools = p;
        long every = Math.max(1, Math.min(5, settings.idleGrace().toSeconds() / 2));
        t.scheduleWithFixedDelay(p::reap, every, every, TimeUnit.SECONDS);
        active = true;
    }

    @Deactivate
    void deactivate() {
        active = false;
        ScheduledExecutorService t = timer;
        if (t != null) {
            t.shutdownNow();
        }
        Pools p = pools;
        if (p != null) {
            p.closeAll();
        }
        logFiles.closeAll();
        states.clear();
        templates.clear();
    }

    private static long number(BundleContext context, String key, long dflt, long min, long max) {
        String v = context == null ? null : context.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Math.max(min, Math.min(max, Long.parseLong(v.strip())));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    @Reference(name = "postgres", service = DataSourceFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = POSTGRES_DRIVER_FILTER, unbind = "unbindPostgres")
    void bindPostgres(DataSourceFactory f) {
        postgres = f;
        Pools p = pools;
        if (p != null) {
            p.closeBackend(Backend.POSTGRES, f); // pools of an older driver give way to the new one
        }
    }

    void unbindPostgres(DataSourceFactory f) {
        if (postgres == f) {
            postgres = null;
            Pools p = pools;
            if (p != null) {
                p.closeBackend(Backend.POSTGRES, null);
            }
        }
    }

    /** The DataSourceFactory of a backend: the PostgreSQL service, or mod_sql's own for the others. */
    private DataSourceFactory factory(Backend b) {
        try {
            return switch (b) {
                case POSTGRES -> postgres;
                case MYSQL -> new MariaDbDataSourceFactory();
                case SQLITE3 -> new SqliteDataSourceFactory();
            };
        } catch (LinkageError e) {
            return null; // the driver's package is not wired: its bundle is not installed
        }
    }

    /** The pools, for tests and status. */
    Pools pools() {
        return pools;
    }

    // ------------------------------------------------------------------ FtpModule

    @Override
    public String name() {
        return MODULE_NAME;
    }

    @Override
    public int priority() {
        return ModulePriority.CONTRIB;
    }

    @Override
    public List<DirectiveSpec<?>> directives() {
        return SqlDirectives.all();
    }

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                CommandSpec.of(Phase.PRE_CMD, "DELE", this::preDele),
                CommandSpec.of(Phase.POST_CMD, "PASS", this::postPass),
                CommandSpec.of(Phase.POST_CMD, "RETR", c -> transferStats(c, false)),
                CommandSpec.of(Phase.POST_CMD, "STOR", c -> transferStats(c, true)),
                CommandSpec.of(Phase.POST_CMD, CommandSpec.ANY, c -> showInfo(c, false)),
                CommandSpec.of(Phase.POST_CMD_ERR, CommandSpec.ANY, c -> showInfo(c, true)),
                CommandSpec.of(Phase.LOG_CMD, CommandSpec.ANY, c -> sqlLog(c, false)),
                CommandSpec.of(Phase.LOG_CMD_ERR, CommandSpec.ANY, c -> sqlLog(c, true)));
    }

    @Override
    public Optional<AuthProvider> authProvider() {
        return Optional.of(this);
    }

    @Override
    public Optional<SessionHooks> sessionHooks() {
        return Optional.of(new SessionHooks() {
            @Override
            public void connected(Session session) {
                SqlModule.this.connected(session);
            }

            @Override
            public void disconnected(Session session) {
                SqlModule.this.disconnected(session);
            }
        });
    }

    // ------------------------------------------------------------------ per-session state

    private SessionState state(Session s) {
        synchronized (states) {
            return states.computeIfAbsent(s, k -> new SessionState());
        }
    }

    private SqlConfig config(Session s) {
        return state(s).config(s.config());
    }

    // ------------------------------------------------------------------ session hooks

    /** PERCONNECTION: make sure the database answers as soon as the client connects, as ProFTPD does. */
    private void connected(Session s) {
        if (!active) {
            return;
        }
        SqlConfig cfg = config(s);
        if (!cfg.enabled()) {
            return;
        }
        if (cfg.logFile() != null) {
            log(s, cfg, "session opened by " + s.variable("%a").orElse("?"));
        }
        if (!s.config().getAll(SqlDirectives.SQL_LOG_ON_EVENT).isEmpty() && !eventNotice) {
            eventNotice = true;
            s.log().notice(VERSION + ": SQLLogOnEvent is not supported (modftpd has no event bus); ignored");
        }
        for (Pools.Key key : cfg.connections()) {
            if (key.info().perConnection()) {
                try {
                    execute(s, cfg, key, "SELECT 1", token -> null);
                } catch (DbException | TemplateException e) {
                    backendError(s, cfg, "opening connection " + key.describe(), e, false, false);
                    return;
                }
            }
        }
    }

    /** {@code SQLLog EXIT}, then the session lets go of its pools. */
    private void disconnected(Session s) {
        SessionState st;
        synchronized (states) {
            st = states.remove(s);
        }
        if (st == null || !active) {
            return;
        }
        try {
            SqlConfig cfg = st.config(s.config());
            if (cfg.enabled()) {
                for (LogRule rule : cfg.logs()) {
                    if (rule.commands().contains("EXIT")) {
                        runLogRule(s, cfg, st, null, rule, true);
                    }
                }
            }
        } finally {
            for (Pools.Pool p : st.pools) {
                p.leave();
            }
            st.pools.clear();
        }
    }

    // ------------------------------------------------------------------ AuthProvider

    @Override
    public AuthAnswer<UserAccount> findUser(Session s, String name) {
        if (!active) {
            return AuthAnswer.declined();
        }
        SqlConfig cfg = config(s);
        if (!cfg.usersEnabled()) {
            return AuthAnswer.declined();
        }
        SessionState st = state(s);
        try {
            UserRow row = user(s, cfg, st, name);
            return row == null ? AuthAnswer.declined() : AuthAnswer.found(row.account());
        } catch (DbException | TemplateException e) {
            backendError(s, cfg, "looking up user '" + name + "'", e, false, true);
            return cfg.option(Option.NO_DISCONNECT_ON_ERROR) ? AuthAnswer.declined()
                    : AuthAnswer.error("database error: " + e.getMessage());
        }
    }

    @Override
    public AuthResult authenticate(Session s, UserAccount user, String password) {
        if (!active) {
            return AuthResult.DECLINED;
        }
        SqlConfig cfg = config(s);
        if (!cfg.usersEnabled()) {
            return AuthResult.DECLINED;
        }
        SessionState st = state(s);
        try {
            UserRow row = user(s, cfg, st, user.name());
            if (row == null) {
                return AuthResult.NO_SUCH_USER;
            }
            if (row.password() == null) {
                log(s, cfg, "NULL password for user '" + user.name() + "'");
                return AuthResult.BAD_PASSWORD;
            }
            if (cfg.authTypes().isEmpty()) {
                log(s, cfg, "warning: no SQLAuthTypes configured");
                return AuthResult.BAD_PASSWORD;
            }
            Passwords.Settings settings = PasswdSettings.resolve(this, s, cfg, st, row);
            for (Passwords.Type type : cfg.authTypes()) {
                Passwords.Result r = Passwords.check(type, row.password(), password, settings, cfg.backend());
                if (r.ok()) {
                    log(s, cfg, "'" + type.displayName() + "' SQLAuthType handler reports success");
                    return AuthResult.OK;
                }
                log(s, cfg, "'" + type.displayName() + "' SQLAuthType handler reports failure"
                        + (r.reason() == null ? "" : ": " + r.reason()));
                if (r.reason() != null && r.reason().startsWith("SQLPasswordEngine disabled")) {
                    s.log().info("mod_sql_passwd/1.2: " + r.reason());
                }
            }
            return AuthResult.BAD_PASSWORD;
        } catch (DbException | TemplateException e) {
            backendError(s, cfg, "authenticating user '" + user.name() + "'", e, false, true);
            return AuthResult.UNAVAILABLE;
        }
    }

    @Override
    public AuthAnswer<List<GroupAccount>> groupsOf(Session s, UserAccount user) {
        if (!active) {
            return AuthAnswer.declined();
        }
        SqlConfig cfg = config(s);
        if (!cfg.groupsEnabled()) {
            return AuthAnswer.declined();
        }
        SessionState st = state(s);
        try {
            return AuthAnswer.found(Accounts.groupsOf(this, s, cfg, st, user));
        } catch (DbException | TemplateException e) {
            backendError(s, cfg, "looking up the groups of '" + user.name() + "'", e, false, true);
            return cfg.option(Option.NO_DISCONNECT_ON_ERROR) ? AuthAnswer.declined()
                    : AuthAnswer.error("database error: " + e.getMessage());
        }
    }

    @Override
    public AuthAnswer<GroupAccount> findGroup(Session s, String name) {
        if (!active) {
            return AuthAnswer.declined();
        }
        SqlConfig cfg = config(s);
        if (!cfg.groupsEnabled()) {
            return AuthAnswer.declined();
        }
        SessionState st = state(s);
        try {
            GroupAccount g = Accounts.group(this, s, cfg, st, name);
            return g == null ? AuthAnswer.declined() : AuthAnswer.found(g);
        } catch (DbException | TemplateException e) {
            backendError(s, cfg, "looking up group '" + name + "'", e, false, false);
            return cfg.option(Option.NO_DISCONNECT_ON_ERROR) ? AuthAnswer.declined()
                    : AuthAnswer.error("database error: " + e.getMessage());
        }
    }

    /** A user row, from the session's cache or the database; null when there is no such user. */
    UserRow user(Session s, SqlConfig cfg, SessionState st, String name) throws DbException, TemplateException {
        UserRow cached = st.users.get(name);
        if (cached != null) {
            log(s, cfg, "cache hit for user '" + name + "'");
            return cached;
        }
        if (cfg.negativeCache() && st.missingUsers.contains(name)) {
            log(s, cfg, "negative cache entry for user '" + name + "'");
            return null;
        }
        log(s, cfg, "cache miss for user '" + name + "'");
        UserRow row = Accounts.lookupUser(this, s, cfg, st, name);
        if (row == null) {
            if (cfg.negativeCache()) {
                st.missingUsers.add(name);
            }
            return null;
        }
        st.users.put(name, row);
        return row;
    }

    // ------------------------------------------------------------------ command handlers

    /** PRE_CMD DELE: remember the size of the file, so {@code %b} can log it after it is gone. */
    private Outcome preDele(Command c) {
        if (!active || c.argument().isEmpty() || !config(c.session()).enabled()) {
            return Outcome.DECLINED;
        }
        try {
            Path p = c.session().files().resolve(c.argument());
            if (Files.isRegularFile(p)) {
                c.notes().put(DELE_SIZE, Files.size(p));
            }
        } catch (java.io.IOException e) {
            // no size to log
        }
        return Outcome.DECLINED;
    }

    /** POST_CMD PASS: the primary-key notes and the ratio settings and counters. */
    private Outcome postPass(Command c) {
        Session s = c.session();
        if (!active || s.identity().isEmpty()) {
            return Outcome.DECLINED;
        }
        SqlConfig cfg = config(s);
        if (!cfg.enabled()) {
            return Outcome.DECLINED;
        }
        SessionState st = state(s);
        String user = s.identity().get().name();
        try {
            if (cfg.userPrimaryKey() != null && !s.notes().containsKey(NOTE_USER_PRIMARY_KEY)) {
                String key = Accounts.primaryKey(this, s, cfg, st, c, cfg.userPrimaryKey(), true, user);
                if (key != null) {
                    s.notes().put(NOTE_USER_PRIMARY_KEY, key);
                }
            }
            String group = s.identity().get().primaryGroupName();
            if (cfg.groupPrimaryKey() != null && !s.notes().containsKey(NOTE_GROUP_PRIMARY_KEY)) {
                String key = Accounts.primaryKey(this, s, cfg, st, c, cfg.groupPrimaryKey(), false, group);
                if (key != null) {
                    s.notes().put(NOTE_GROUP_PRIMARY_KEY, key);
                }
            }
            if (cfg.ratioStats() != null) {
                storeColumns(s, NOTE_STATS, cfg.ratioStats(), Accounts.userColumns(this, s, cfg, st, c,
                        cfg.ratioStats(), user));
            }
            if (cfg.ratios() != null) {
                if (cfg.ratioStats() == null) {
                    s.log().warn(VERSION + ": warning: SQLRatios directive ineffective without SQLRatioStats on");
                } else {
                    storeColumns(s, NOTE_RATIO, cfg.ratios(), Accounts.userColumns(this, s, cfg, st, c, cfg.ratios(),
                            user));
                }
            }
        } catch (DbException | TemplateException e) {
            backendError(s, cfg, "after login of '" + user + "'", e, false, false);
        }
        return Outcome.DECLINED;
    }

    private static void storeColumns(Session s, String prefix, Columns names, List<String> values) {
        if (values == null) {
            return;
        }
        String[] keys = {names.first(), names.second(), names.third(), names.fourth()};
        for (int i = 0; i < keys.length && i < values.size(); i++) {
            s.notes().put(prefix + keys[i], parseLong(values.get(i)));
        }
    }

    private static long parseLong(String v) {
        if (v == null) {
            return 0;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            try {
                return (long) Double.parseDouble(v.strip());
            } catch (NumberFormatException e2) {
                return 0;
            }
        }
    }

    /** POST_CMD RETR/STOR with {@code SQLRatioStats}: count the file and its bytes for the user. */
    private Outcome transferStats(Command c, boolean upload) {
        Session s = c.session();
        if (!active || s.identity().isEmpty()) {
            return Outcome.DECLINED;
        }
        SqlConfig cfg = config(s);
        Columns stats = cfg.ratioStats();
        if (!cfg.enabled() || stats == null) {
            return Outcome.DECLINED;
        }
        long bytes = c.transfer().map(org.modftpd.api.Transfer::bytes).orElse(0L);
        String filesColumn = upload ? stats.first() : stats.second();
        String bytesColumn = upload ? stats.third() : stats.fourth();
        try {
            Accounts.addStats(this, s, cfg, state(s), c, filesColumn, bytesColumn, bytes);
            s.notes().merge(NOTE_STATS + filesColumn, 1L, (a, b) -> ((Number) a).longValue() + 1);
            s.notes().merge(NOTE_STATS + bytesColumn, bytes, (a, b) -> ((Number) a).longValue() + bytes);
        } catch (DbException | TemplateException e) {
            backendError(s, cfg, "updating SQLRatioStats", e, false, false);
        }
        return Outcome.DECLINED;
    }

    /** SQLShowInfo: POST_CMD for {@code CMD} and {@code *}, POST_CMD_ERR for {@code ERR_CMD} and {@code ERR_*}. */
    private Outcome showInfo(Command c, boolean error) {
        Session s = c.session();
        if (!active) {
            return Outcome.DECLINED;
        }
        SqlConfig cfg = config(s);
        if (!cfg.logEnabled() || cfg.infos().isEmpty()) {
            return Outcome.DECLINED;
        }
        SessionState st = state(s);
        String prefix = error ? "ERR_" : "";
        List<ShowInfo> matching = new ArrayList<>();
        for (ShowInfo info : cfg.infos()) {
            if (info.commands().contains(prefix + c.verb())) {
                matching.add(info);
            }
        }
        if (!nestedSite(c)) {
            for (ShowInfo info : cfg.infos()) {
                if (info.commands().contains(prefix + "*")) {
                    matching.add(info);
                }
            }
        }
        for (ShowInfo info : matching) {
            if (st.ended) {
                break;
            }
            String text = showInfoText(s, cfg, st, c, info.text());
            if (text == null || text.isEmpty()) {
                continue;
            }
            if (error && info.code() >= 400) {
                c.error(info.code(), text);
            } else {
                c.reply(info.code(), text);
            }
        }
        return Outcome.DECLINED;
    }

    /**
     * The text of an SQLShowInfo line: {@code %{name}} is the first value of the named SELECT (or
     * FREEFORM) query, other variables as in LogFormat. As in ProFTPD's code, a line whose query finds
     * nothing (no row, NULL, or the text "null") is not shown at all.
     */
    private String showInfoText(Session s, SqlConfig cfg, SessionState st, Command c, String template) {
        StringBuilder out = new StringBuilder();
        for (LogTemplate.Part part : LogTemplate.parse(template).parts()) {
            if (!part.variable()) {
                out.append(part.text());
                continue;
            }
            String token = part.text();
            if (token.startsWith("%{") && token.endsWith("}")) {
                NamedQuery q = cfg.queries().get(token.substring(2, token.length() - 1));
                if (q != null) {
                    if (q.type() != QueryType.SELECT && q.type() != QueryType.FREEFORM) {
                        continue;
                    }
                    try {
                        String v = runNamed(s, cfg, c, q, List.of()).first();
                        if (v == null || v.equalsIgnoreCase("null")) {
                            return null;
                        }
                        out.append(v);
                    } catch (DbException | TemplateException e) {
                        backendError(s, cfg, "SQLShowInfo query '" + q.name() + "'", e, false, false);
                        return null;
                    }
                    continue;
                }
            }
            if (!SqlTemplate.isVariable(token)) {
                out.append(token);
                continue;
            }
            try {
                out.append(values(s, c, List.of()).get(token));
            } catch (TemplateException e) {
                out.append(token);
            }
        }
        return out.toString();
    }

    /** SQLLog: LOG_CMD for {@code CMD} and {@code *}, LOG_CMD_ERR for {@code ERR_CMD} and {@code ERR_*}. */
    private Outcome sqlLog(Command c, boolean error) {
        Session s = c.session();
        if (!active) {
            return Outcome.DECLINED;
        }
        SqlConfig cfg = config(s);
        if (!cfg.logEnabled() || cfg.logs().isEmpty()) {
            return Outcome.DECLINED;
        }
        SessionState st = state(s);
        String prefix = error ? "ERR_" : "";
        for (LogRule rule : cfg.logs()) {
            if (rule.commands().contains(prefix + c.verb()) && !st.ended) {
                runLogRule(s, cfg, st, c, rule, false);
            }
        }
        if (!nestedSite(c)) {
            for (LogRule rule : cfg.logs()) {
                if (rule.commands().contains(prefix + "*") && !st.ended) {
                    runLogRule(s, cfg, st, c, rule, false);
                }
            }
        }
        // LOG handlers never fail a command (ProFTPD Bug#3633)
        return Outcome.DECLINED;
    }

    /**
     * A SITE subcommand is dispatched twice here (as {@code SITE} and as {@code SITE_<SUB>}); ProFTPD
     * logs it once, as SITE, so {@code *} rules skip the inner one.
     */
    private static boolean nestedSite(Command c) {
        return c.verb().startsWith("SITE_");
    }

    private void runLogRule(Session s, SqlConfig cfg, SessionState st, Command c, LogRule rule, boolean exit) {
        NamedQuery q = cfg.queries().get(rule.query());
        if (q == null) {
            log(s, cfg, "named query '" + rule.query() + "' cannot be found");
            return;
        }
        if (q.type() == QueryType.SELECT) {
            log(s, cfg, "named query '" + q.name() + "' is not an INSERT, UPDATE, or FREEFORM query");
            return;
        }
        try {
            runNamed(s, cfg, c, q, List.of());
        } catch (DbException | TemplateException e) {
            // at session end errors are ignored, as ProFTPD does in its exit handler
            backendError(s, cfg, "SQLLog query '" + q.name() + "'", e, rule.ignoreErrors() || exit, false);
        }
    }

    // ------------------------------------------------------------------ running queries

    /** Runs a named query with the command's (or the session's) variables and {@code %{n}} arguments. */
    Database.Result runNamed(Session s, SqlConfig cfg, Command c, NamedQuery q, List<String> args)
            throws DbException, TemplateException {
        String text = switch (q.type()) {
            case SELECT -> "SELECT " + q.text();
            case UPDATE -> "UPDATE " + q.table() + " SET " + q.text();
            case INSERT -> "INSERT INTO " + q.table() + " VALUES (" + q.text() + ")";
            case FREEFORM -> q.text();
        };
        Pools.Key key = cfg.connection(q.connection());
        if (key == null) {
            throw new TemplateException("unknown named connection '" + q.connection() + "' for query '" + q.name()
                    + "'");
        }
        return execute(s, cfg, key, text, values(s, c, args));
    }

    /** Compiles (once) and runs a statement on a connection's pool. */
    Database.Result execute(Session s, SqlConfig cfg, Pools.Key key, String text, SqlTemplate.Values values)
            throws DbException, TemplateException {
        Pools p = pools;
        if (p == null || !active) {
            throw new DbException("mod_sql is stopping", null);
        }
        SqlTemplate template = templates.get(key.backend() + "\0" + text);
        if (template == null) {
            template = SqlTemplate.compile(text, key.backend());
            if (templates.size() < 10_000) {
                templates.put(key.backend() + "\0" + text, template);
            }
        }
        SqlTemplate.Bound bound = template.bind(values);
        Pools.Pool pool = p.pool(key);
        SessionState st = state(s);
        if (st.pools.add(pool)) {
            pool.join();
            if (cfg.keepAlive() != null) {
                pool.keepAlive(cfg.keepAlive());
            }
        }
        if (cfg.logFile() != null) {
            log(s, cfg, "query: " + bound);
        }
        Database.Result r = Database.run(new Database.Source() {
            @Override
            public javax.sql.DataSource get() throws java.sql.SQLException {
                return pool.dataSource();
            }

            @Override
            public void unreachable() {
                pool.unreachable();
            }
        }, bound, !cfg.option(Option.NO_RECONNECT));
        if (cfg.logFile() != null) {
            log(s, cfg, r.updateCount() >= 0 ? "rows changed: " + r.updateCount() : "rows: " + r.rows().size());
        }
        return r;
    }

    /**
     * The values of variables: {@code %{n}} are the query's arguments, {@code %d} is the working
     * directory (mod_sql's meaning), {@code %b} of a DELE is the size of the deleted file, and the
     * rest are the core's LogFormat variables of the command (or of the session at its end).
     */
    SqlTemplate.Values values(Session s, Command c, List<String> args) {
        return token -> {
            if (token.length() > 3 && token.startsWith("%{") && token.endsWith("}")) {
                String inner = token.substring(2, token.length() - 1);
                if (!inner.isEmpty() && inner.chars().allMatch(Character::isDigit)) {
                    int n = Integer.parseInt(inner);
                    if (n >= args.size()) {
                        throw new TemplateException("out-of-bounds numeric reference " + token + " in query");
                    }
                    return args.get(n);
                }
            }
            if (c != null && token.equals("%b") && c.notes().get(DELE_SIZE) instanceof Long size) {
                return Long.toString(size);
            }
            String v = (c != null ? c.variable(token) : s.variable(token)).orElse("");
            if (token.equals("%d") && v.equals("-") && s.identity().isPresent()) {
                return s.files().cwd();
            }
            return v;
        };
    }

    // ------------------------------------------------------------------ errors and logging

    /**
     * ProFTPD's check_response: logs an unrecoverable backend error and, unless {@code IGNORE_ERRORS}
     * or {@code SQLOptions NoDisconnectOnError}, ends the session. During a login the client is told
     * {@code 530} (or the AccessDenyMsg) first.
     */
    void backendError(Session s, SqlConfig cfg, String what, Exception e, boolean ignoreErrors, boolean login) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        s.log().error(VERSION + ": unrecoverable backend error: " + what + ": " + message);
        log(s, cfg, "unrecoverable backend error: " + what + ": " + message);
        if (ignoreErrors) {
            log(s, cfg, "SQLLog IGNORE_ERRORS in effect, not exiting");
            return;
        }
        if (cfg.option(Option.NO_DISCONNECT_ON_ERROR)) {
            log(s, cfg, "SQLOption noDisconnectOnError in effect, not exiting");
            return;
        }
        SessionState st = state(s);
        if (st.ended) {
            return;
        }
        st.ended = true;
        s.notes().put("core.disconnect-details", "Database error");
        if (login && s.identity().isEmpty()) {
            String user = s.requestedUser().orElse("");
            s.send(530, s.config().get(ACCESS_DENY_MSG).map(t -> t.replace("%u", user)).orElse("Login incorrect."));
        }
        s.close();
    }

    /** Writes to the SQLLogFile, if one is configured. */
    void log(Session s, SqlConfig cfg, String message) {
        if (cfg.logFile() == null) {
            return;
        }
        String problem = logFiles.log(cfg.logFile(), s.id(), message);
        if (problem != null) {
            s.log().notice("notice: " + problem);
        }
    }
}

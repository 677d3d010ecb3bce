package org.modftpd.core.internal.modules;

import static org.modftpd.core.internal.modules.Support.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.modftpd.api.Command;
import org.modftpd.api.Command.Outcome;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.api.GroupAccount;
import org.modftpd.api.Identity;
import org.modftpd.api.UserAccount;
import org.modftpd.core.internal.access.Access;
import org.modftpd.core.internal.auth.AuthChain;
import org.modftpd.core.internal.config.ConfigView;
import org.modftpd.core.internal.config.ContextNode;
import org.modftpd.core.internal.config.DirectiveEntry;
import org.modftpd.core.internal.fs.JailedFileView;
import org.modftpd.core.internal.modules.CoreDirectives.Alias;
import org.modftpd.core.internal.modules.CoreDirectives.RootRule;
import org.modftpd.core.internal.protocol.Addresses;
import org.modftpd.core.internal.session.Display;
import org.modftpd.core.internal.session.SessionImpl;
import org.modftpd.spi.AuthAnswer;
import org.modftpd.spi.AuthResult;
import org.modftpd.spi.CommandSpec;
import org.modftpd.spi.CommandSpec.CommandClass;
import org.modftpd.spi.FtpModule;
import org.modftpd.spi.ModulePriority;
import org.modftpd.spi.Phase;
import org.modftpd.spi.SessionHooks;
import org.modftpd.api.Session;
import org.osgi.service.component.annotations.Component;
import org.modftpd.core.internal.protocol.Addresses;

/**
 * mod_auth.c: USER, PASS, ACCT and REIN, anonymous logins, UserAlias, DefaultRoot and the login
 * replies and log lines of ProFTPD.
 */
@Component(service = FtpModule.class)
public final class AuthModule implements FtpModule {

    static final String ORIG_USER = "mod_auth.orig-user";
    static final String ANON_PASSWD = "mod_auth.anon-passwd";
    static final String HOME_DIR = "mod_auth.home-dir";
    private static final int MAX_USER_LENGTH = 256;

    @Override
    public String name() {
        return "mod_auth.c";
    }

    @Override
    public int priority() {
        return ModulePriority.CORE + 5;
    }

    @Override
    public List<DirectiveSpec<?>> directives() {
        return List.of(CoreDirectives.DEFAULT_ROOT, CoreDirectives.DEFAULT_CHDIR, CoreDirectives.USER,
                CoreDirectives.GROUP, CoreDirectives.USER_ALIAS, CoreDirectives.ANON_REQUIRE_PASSWORD,
                CoreDirectives.MAX_LOGIN_ATTEMPTS, CoreDirectives.ACCESS_GRANT_MSG, CoreDirectives.ACCESS_DENY_MSG,
                CoreDirectives.DISPLAY_LOGIN, CoreDirectives.MAX_PASSWORD_SIZE, CoreDirectives.TIMEOUT_LOGIN,
                CoreDirectives.TIMEOUT_SESSION, AccessDirectives.ALLOW_CHROOT_SYMLINKS,
                AccessDirectives.REQUIRE_VALID_SHELL, AccessDirectives.USE_FTP_USERS, AccessDirectives.ROOT_LOGIN,
                AccessDirectives.ANON_REJECT_PASSWORDS, AccessDirectives.ANONYMOUS_GROUP,
                AccessDirectives.USER_PASSWORD, AccessDirectives.AUTH_ALIAS_ONLY, AccessDirectives.AUTH_USING_ALIAS,
                AccessDirectives.MAX_CLIENTS, AccessDirectives.MAX_CLIENTS_PER_HOST,
                AccessDirectives.MAX_CLIENTS_PER_USER, AccessDirectives.MAX_HOSTS_PER_USER,
                AccessDirectives.MAX_CONNECTIONS_PER_HOST, AccessDirectives.MAX_CLIENTS_PER_CLASS);
    }

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                CommandSpec.of("USER", this::user).withoutLogin().commandClass(CommandClass.AUTH)
                        .help("<sp> username"),
                CommandSpec.of("PASS", this::pass).withoutLogin().commandClass(CommandClass.AUTH)
                        .help("<sp> password"),
                CommandSpec.of("ACCT", c -> c.error(502, "ACCT command not implemented")).withoutLogin()
                        .commandClass(CommandClass.AUTH).help("is not implemented"),
                CommandSpec.of("REIN", c -> c.error(502, "REIN command not implemented")).withoutLogin()
                        .commandClass(CommandClass.AUTH).help("is not implemented"),
                CommandSpec.of(Phase.POST_CMD, "PASS", this::postPass),
                CommandSpec.of(Phase.LOG_CMD_ERR, "PASS", this::afterFailedPass));
    }

    @Override
    public Optional<SessionHooks> sessionHooks() {
        return Optional.of(new SessionHooks() {
            @Override
            public void connected(Session session) {
                Limits.checkAtConnect((SessionImpl) session);
            }
        });
    }

    // ---------------------------------------------------------------- USER

    private Outcome user(Command c) {
        SessionImpl s = session(c);
        if (c.arguments().isEmpty()) {
            return c.error(500, "USER: command requires a parameter");
        }
        if (c.argument().length() > MAX_USER_LENGTH) {
            return c.error(501, "Login incorrect.");
        }
        String name = c.arguments().get(0);
        if (s.identity().isPresent()) {
            if (name.equals(s.notes().get(ORIG_USER))) {
                return c.reply(230, "User " + name + " logged in");
            }
            return c.error(501, "Reauthentication not supported");
        }
        s.requestedUser(name);
        s.notes().put(ORIG_USER, name);
        Login login = Login.resolve(s, name);
        if (login.anonymous() != null && !requirePassword(login.anonymous())) {
            return c.reply(331, "Anonymous login ok, send your complete email address as your password");
        }
        return c.reply(331, "Password required for " + name);
    }

    private static boolean requirePassword(ContextNode anon) {
        List<DirectiveEntry> e = anon.directives(CoreDirectives.ANON_REQUIRE_PASSWORD.name());
        return !e.isEmpty() && e.get(0).value(CoreDirectives.ANON_REQUIRE_PASSWORD);
    }

    /**
     * The account a login name stands for: UserAlias applied (inside {@code <Anonymous>} first), and
     * the {@code <Anonymous>} site whose User it is, if any. {@code AuthAliasOnly on} in a context
     * means that context can be reached through an alias only.
     *
     * @param refused the login name may not log in at all (AuthAliasOnly without an alias)
     */
    record Login(String account, ContextNode anonymous, boolean aliased, boolean refused) {
        static Login resolve(SessionImpl s, String name) {
            ContextNode server = s.config().server();
            for (ContextNode anon : server.anonymous()) {
                for (DirectiveEntry e : anon.directives(CoreDirectives.USER_ALIAS.name())) {
                    Alias a = e.value(CoreDirectives.USER_ALIAS);
                    if (a.alias().equals(name) || a.alias().equals("*")) {
                        return new Login(a.user(), anonFor(server, a.user(), anon), true, false);
                    }
                }
            }
            for (DirectiveEntry e : server.directives(CoreDirectives.USER_ALIAS.name())) {
                Alias a = e.value(CoreDirectives.USER_ALIAS);
                if (a.alias().equals(name) || a.alias().equals("*")) {
                    return new Login(a.user(), anonFor(server, a.user(), null), true, false);
                }
            }
            ContextNode anon = anonFor(server, name, null);
            boolean aliasOnly = flag(anon != null ? anon : server, AccessDirectives.AUTH_ALIAS_ONLY)
                    || anon != null && flag(server, AccessDirectives.AUTH_ALIAS_ONLY);
            return new Login(name, anon, false, aliasOnly);
        }

        private static ContextNode anonFor(ContextNode server, String account, ContextNode preferred) {
            if (preferred != null && account.equals(anonUser(preferred))) {
                return preferred;
            }
            for (ContextNode anon : server.anonymous()) {
                if (account.equals(anonUser(anon))) {
                    return anon;
                }
            }
            return null;
        }

        static String anonUser(ContextNode anon) {
            List<DirectiveEntry> u = anon.directives(CoreDirectives.USER.name());
            return u.isEmpty() ? null : u.get(0).value(CoreDirectives.USER);
        }
    }

    private static boolean flag(ContextNode node, org.modftpd.api.DirectiveSpec<Boolean> spec) {
        List<DirectiveEntry> e = node.directives(spec.name());
        return !e.isEmpty() && e.get(0).value(spec);
    }

    // ---------------------------------------------------------------- PASS

    private Outcome pass(Command c) {
        SessionImpl s = session(c);
        if (s.identity().isPresent()) {
            return c.error(503, "You are already logged in");
        }
        Optional<String> requested = s.requestedUser();
        if (requested.isEmpty()) {
            return c.error(503, "Login with USER first");
        }
        String name = requested.get();
        String password = c.argument();
        if (password.length() > s.value(CoreDirectives.MAX_PASSWORD_SIZE)) {
            s.log().notice("USER " + name + " (Login failed): password exceeds MaxPasswordSize");
            return failed(c, s, name);
        }
        Login login = Login.resolve(s, name);
        if (login.refused()) {
            s.log().notice("USER " + name + " (Login failed): AuthAliasOnly allows aliased logins only");
            return failed(c, s, name);
        }
        ContextNode anon = login.anonymous();
        ConfigView view = ConfigView.of(s.configuration(), s.config().server(), anon, ConfigView.Paths.NONE);
        if (!loginAllowed(s, view, login.account(), null)) {
            s.log().notice("USER " + name + " (Login failed): Limit access denies login");
            return failed(c, s, name);
        }
        boolean anonymousLogin = anon != null && !requirePassword(anon);
        if (anonymousLogin) {
            Optional<AccessDirectives.Regex> reject = view.get(AccessDirectives.ANON_REJECT_PASSWORDS);
            if (reject.isPresent() && reject.get().matches(password)) {
                s.log().notice("ANON " + name + ": AnonRejectPasswords denies login");
                return failed(c, s, name);
            }
        }
        AuthChain chain = AuthChain.of(s.runtime().modules(), view);
        AuthAnswer<AuthChain.Found> found = chain.findUser(s, login.account());
        if (found.isError()) {
            s.log().error("USER " + name + " (Login failed): " + found.reason());
            return failed(c, s, name);
        }
        if (!found.isFound()) {
            String ip = Addresses.text(s.remoteAddress().getAddress());
            String host = s.remoteHostName() == null ? ip : s.remoteHostName();
            s.log().notice("USER " + name + ": no such user found from " + host + " [" + ip + "] to "
                    + Addresses.text(s.localAddress().getAddress()) + ":" + s.localAddress().getPort());
            return failed(c, s, name);
        }
        UserAccount account = found.value().user();
        if (account.uid() == 0 && !view.value(AccessDirectives.ROOT_LOGIN)) {
            s.log().warn("SECURITY VIOLATION: Root login attempted");
            return failed(c, s, name);
        }
        if (!anonymousLogin) {
            String checkedName = anon != null && flag(anon, AccessDirectives.AUTH_USING_ALIAS) ? name : account.name();
            AuthResult result = checkPassword(s, view, chain, found.value(), checkedName, password);
            if (result != AuthResult.OK) {
                s.log().notice("USER " + name + " (Login failed): " + describe(result));
                return failed(c, s, name);
            }
        }
        List<GroupAccount> groups = new ArrayList<>(chain.groups(s, found.value()));
        if (anon != null) {
            List<DirectiveEntry> g = anon.directives(CoreDirectives.GROUP.name());
            if (!g.isEmpty()) {
                String groupName = g.get(0).value(CoreDirectives.GROUP);
                groups.removeIf(x -> x.name().equals(groupName));
                groups.add(0, new GroupAccount(groupName, account.gid(), List.of()));
            }
        }
        List<String> groupNames = groups.stream().map(GroupAccount::name).toList();
        boolean anonymousGroup = anon == null && view.get(AccessDirectives.ANONYMOUS_GROUP)
                .map(expr -> org.modftpd.api.NameExpression.parse(expr, true).matches(groupNames)).orElse(false);
        if (!loginAllowed(s, view, account.name(), new Identity(account, groups, anon != null, name,
                found.value().owner().module().name()))) {
            s.log().notice("USER " + name + " (Login failed): Limit access denies login");
            return failed(c, s, name);
        }
        if (!validShell(view, account.shell())) {
            s.log().notice("USER " + name + " (Login failed): Invalid shell: '" + account.shell() + "'");
            return failed(c, s, name);
        }
        if (view.value(AccessDirectives.USE_FTP_USERS) && inFtpUsers(account.name())) {
            s.log().notice("USER " + name + " (Login failed): User in /etc/ftpusers");
            return failed(c, s, name);
        }
        Identity identity = new Identity(account, groups, anon != null || anonymousGroup, name,
                found.value().owner().module().name());
        Path root;
        try {
            root = jail(s, view, anon, account, identity, chain);
        } catch (IllegalArgumentException e) {
            s.log().notice("USER " + name + " (Login failed): " + e.getMessage());
            return failedAndDisconnect(c, s, name);
        }
        if (!view.value(AccessDirectives.ALLOW_CHROOT_SYMLINKS) && !root.equals(Path.of("/"))) {
            String link = firstSymlink(root);
            if (link != null) {
                s.log().notice("USER " + name + " (Login failed): chroot path '" + root
                        + "' contains a symbolic link at '" + link + "' (denied by AllowChrootSymlinks config)");
                return failedAndDisconnect(c, s, name);
            }
        }
        Path realRoot;
        try {
            realRoot = root.toRealPath();
            if (!Files.isDirectory(realRoot)) {
                throw new IOException("not a directory");
            }
        } catch (IOException e) {
            s.log().notice("USER " + name + " (Login failed): unable to use " + root + " as root: " + e.getMessage());
            if (anon != null) {
                c.error(530, "Unable to set anonymous privileges.");
            }
            return failedAndDisconnect(c, s, name);
        }
        Path home = Path.of(account.home());
        Path realHome;
        try {
            realHome = home.toRealPath();
        } catch (IOException e) {
            realHome = home.toAbsolutePath().normalize();
        }
        String homeVirtual = anon == null && realHome.startsWith(realRoot)
                ? JailedFileView.normalize("/", "/" + realRoot.relativize(realHome)) : "/";
        String cwd;
        if (anon != null || !realHome.startsWith(realRoot)) {
            cwd = "/";
        } else if (Files.isDirectory(realHome)) {
            cwd = homeVirtual;
        } else if (realRoot.equals(Path.of("/"))) {
            s.log().notice("USER " + name + " (Login failed): unable to chdir to home " + realHome);
            return failedAndDisconnect(c, s, name);
        } else {
            cwd = "/";
        }
        Optional<String> chdir = defaultChdir(view, groupNames);
        if (chdir.isPresent()) {
            String target = chdir.get().startsWith("~") ? homeVirtual + chdir.get().substring(1) : chdir.get();
            String virtual = JailedFileView.normalize(cwd, target);
            if (Files.isDirectory(realRoot.resolve(virtual.substring(1)))) {
                cwd = virtual;
            }
        }
        if (anon != null) {
            s.notes().put(ANON_PASSWD, password);
        }
        s.notes().put(HOME_DIR, realHome.toString());
        java.util.Map<String, String> homeCache = new java.util.concurrent.ConcurrentHashMap<>();
        s.loggedIn(identity, realRoot, homeVirtual, cwd, anon, realHome.toString(), user -> homeCache.computeIfAbsent(
                user, u -> {
                    AuthAnswer<AuthChain.Found> f = chain.findUser(s, u);
                    return f.isFound() ? f.value().user().home() : "";
                }).transform(h -> h.isEmpty() ? null : h));
        s.log().info((anon != null ? "ANON " : "USER ") + name + ": Login successful.");
        return Outcome.HANDLED;
    }

    /**
     * POST_CMD PASS, after every other module's (mod_ifsession merges first): the Max* limits, then
     * DisplayLogin and the grant line, read from the configuration as merged.
     */
    private Outcome postPass(Command c) {
        SessionImpl s = session(c);
        Limits.checkAfterLogin(c);
        if (s.closing() || s.identity().isEmpty()) {
            return Outcome.DECLINED;
        }
        String name = s.requestedUser().orElse(s.identity().get().name());
        boolean anonymous = s.config().anonymous() != null;
        ConfigView after = s.config();
        after.get(CoreDirectives.DISPLAY_LOGIN).ifPresent(file -> {
            for (String line : Display.read(Path.of(file), s)) {
                c.reply(230, line);
            }
        });
        Optional<String> grant = after.get(CoreDirectives.ACCESS_GRANT_MSG);
        if (grant.isPresent()) {
            c.reply(230, grant.get().replace("%u", name));
        } else if (anonymous) {
            c.reply(230, "Anonymous access granted, restrictions apply");
        } else {
            c.reply(230, "User " + name + " logged in");
        }
        return Outcome.DECLINED;
    }

    /** UserPassword, when configured for the user, replaces the backend's password check. */
    private static AuthResult checkPassword(SessionImpl s, ConfigView view, AuthChain chain, AuthChain.Found found,
            String name, String password) {
        for (List<String> up : view.getAll(AccessDirectives.USER_PASSWORD)) {
            if (up.get(0).equals(name)) {
                return CryptCheck.matches(up.get(1), password) ? AuthResult.OK : AuthResult.BAD_PASSWORD;
            }
        }
        return chain.authenticate(s, found, password);
    }

    private static Optional<String> defaultChdir(ConfigView view, List<String> groups) {
        for (RootRule rule : view.getAll(CoreDirectives.DEFAULT_CHDIR)) {
            if (rule.groupExpression().isEmpty()
                    || org.modftpd.api.NameExpression.parse(List.of(rule.groupExpression().get()), true).matches(groups)) {
                return Optional.of(rule.path());
            }
        }
        return Optional.empty();
    }

    /** RequireValidShell: the shell must be listed in /etc/shells (a missing file accepts any shell). */
    private static boolean validShell(ConfigView view, String shell) {
        if (!view.value(AccessDirectives.REQUIRE_VALID_SHELL) || shell == null || shell.isEmpty()) {
            return true;
        }
        Path shells = Path.of("/etc/shells");
        if (!Files.isReadable(shells)) {
            return true;
        }
        try {
            return Files.readAllLines(shells).stream().map(String::strip).anyMatch(shell::equals);
        } catch (IOException e) {
            return true;
        }
    }

    /** UseFtpUsers: names listed in /etc/ftpusers may not log in. */
    private static boolean inFtpUsers(String user) {
        Path ftpusers = Path.of("/etc/ftpusers");
        if (!Files.isReadable(ftpusers)) {
            return false;
        }
        try {
            return Files.readAllLines(ftpusers).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).anyMatch(user::equals);
        } catch (IOException e) {
            return false;
        }
    }

    /** The first component of a path that is a symbolic link (CVE-2017-7418: every component counts). */
    private static String firstSymlink(Path root) {
        Path p = root.toAbsolutePath().normalize();
        Path current = p.getRoot();
        for (Path part : p) {
            current = current.resolve(part);
            if (Files.isSymbolicLink(current)) {
                return current.toString();
            }
        }
        return null;
    }

    /** The reason in {@code USER x (Login failed): <reason>}, in ProFTPD's words for its PR_AUTH_* codes. */
    static String describe(AuthResult r) {
        return switch (r) {
            case BAD_PASSWORD, DECLINED -> "Incorrect password";
            case NO_SUCH_USER -> "No such user found";
            case DISABLED -> "Account disabled";
            case EXPIRED -> "Password expired";
            case UNAVAILABLE -> "Unavailable authentication service";
            case OK -> "OK";
        };
    }

    /** {@code <Limit LOGIN>} in the server and the anonymous context, for a user (identity when known). */
    static boolean loginAllowed(SessionImpl s, ConfigView view, String user, Identity identity) {
        Access.Who who = new Access.Who(user, identity, s.connectionClass().orElse(null),
                s.remoteAddress().getAddress(), s.remoteHostName());
        return Access.decide(view.chain(), "LOGIN", "", who) != Access.Decision.DENY;
    }

    /** The root a session is confined to: the anonymous directory, a DefaultRoot rule, or {@code /}. */
    private static Path jail(SessionImpl s, ConfigView view, ContextNode anon, UserAccount account,
            Identity identity, AuthChain chain) {
        if (anon != null) {
            String dir = anon.args().get(0);
            return Path.of(expandHome(dir, account, s, chain));
        }
        for (RootRule rule : view.getAll(CoreDirectives.DEFAULT_ROOT)) {
            if (rule.groupExpression().isEmpty() || org.modftpd.api.NameExpression.parse(List.of(rule.groupExpression().get()),
                    true).matches(identity.groupNames())) {
                return Path.of(expandHome(rule.path(), account, s, chain));
            }
        }
        if (identity.anonymous()) {
            return Path.of(account.home());
        }
        return Path.of("/");
    }

    private static String expandHome(String dir, UserAccount account, SessionImpl s, AuthChain chain) {
        if (dir.equals("~")) {
            return account.home();
        }
        if (dir.startsWith("~/")) {
            return account.home() + dir.substring(1);
        }
        if (dir.startsWith("~")) {
            int slash = dir.indexOf('/');
            String other = slash < 0 ? dir.substring(1) : dir.substring(1, slash);
            AuthAnswer<AuthChain.Found> f = chain.findUser(s, other);
            if (!f.isFound()) {
                throw new IllegalArgumentException("unknown user '" + other + "' in " + dir);
            }
            return f.value().user().home() + (slash < 0 ? "" : dir.substring(slash));
        }
        return dir;
    }

    /**
     * LOG_CMD_ERR PASS: forget the USER name only now, after every module's POST_CMD_ERR and
     * LOG_CMD_ERR handlers (mod_auth is asked last) could use it, as {@code %U} in SQLShowInfo
     * ERR_PASS or SQLLog ERR_PASS (ProFTPD moved this out of the CMD handler for that reason).
     */
    private Outcome afterFailedPass(Command c) {
        SessionImpl s = session(c);
        if (s.identity().isEmpty()) {
            s.notes().remove(ORIG_USER);
        }
        return Outcome.DECLINED;
    }

    private Outcome failed(Command c, SessionImpl s, String name) {
        s.requestedUser(null);
        int failures = s.loginFailed();
        long max = s.value(CoreDirectives.MAX_LOGIN_ATTEMPTS);
        Optional<String> deny = s.config().get(CoreDirectives.ACCESS_DENY_MSG);
        Outcome o = c.error(530, deny.map(t -> t.replace("%u", name)).orElse("Login incorrect."));
        if (failures >= max) {
            s.log().notice("Maximum login attempts (" + max + ") exceeded, connection refused");
            s.quit();
        }
        return o;
    }

    private Outcome failedAndDisconnect(Command c, SessionImpl s, String name) {
        Outcome o = failed(c, s, name);
        s.quit();
        return o;
    }
}

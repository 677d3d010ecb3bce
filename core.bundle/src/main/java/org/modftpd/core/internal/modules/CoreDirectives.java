package org.modftpd.core.internal.modules;

import static org.modftpd.api.ContextKind.ANONYMOUS;
import static org.modftpd.api.ContextKind.CLASS;
import static org.modftpd.api.ContextKind.DIRECTORY;
import static org.modftpd.api.ContextKind.FTPACCESS;
import static org.modftpd.api.ContextKind.GLOBAL;
import static org.modftpd.api.ContextKind.LIMIT;
import static org.modftpd.api.ContextKind.SERVER;
import static org.modftpd.api.ContextKind.VIRTUAL_HOST;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.modftpd.api.ContextKind;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.api.DirectiveSpec.Merge;
import org.modftpd.core.internal.access.AddressPattern;

/** The directives the core's own modules own, with ProFTPD's contexts and defaults. */
public final class CoreDirectives {

    private CoreDirectives() {
    }

    private static final long MAX_SECONDS = 24L * 3600 * 365;

    // ----- value types -----

    /** {@code PassivePorts min max}. */
    public record PortRange(int min, int max) {
    }

    /** {@code ServerIdent on|off ["text"]}. */
    public record Ident(boolean on, Optional<String> text) {
    }

    /** {@code HiddenStores on|off|prefix [suffix]}. */
    public record HiddenStores(boolean on, String prefix, String suffix) {
        public static final HiddenStores OFF = new HiddenStores(false, "", "");
    }

    /** {@code Umask file [dir]}, octal. */
    public record Umask(int file, int dir) {
    }

    /** {@code DefaultRoot path [group-expression]}. */
    public record RootRule(String path, Optional<String> groupExpression) {
    }

    /** {@code UserAlias alias real-user}. */
    public record Alias(String alias, String user) {
    }

    /** {@code AllowForeignAddress on|off|class}. */
    public record ForeignAddress(boolean allowed, Optional<String> className) {
        public static final ForeignAddress OFF = new ForeignAddress(false, Optional.empty());
    }

    /** {@code AuthOrder mod_a.c[*] mod_b.c ...}. */
    public record AuthOrderEntry(String module, boolean required) {
    }

    /** {@code MaxInstances n|none}. */
    public record Limit(long value) {
        public static final Limit NONE = new Limit(0);

        public boolean none() {
            return value <= 0;
        }
    }

    // ----- mod_core.c -----

    public static final DirectiveSpec<String> SERVER_NAME = DirectiveSpec.text("ServerName", "ProFTPD")
            .contexts(SERVER, VIRTUAL_HOST).build();

    public static final DirectiveSpec<Boolean> SERVER_TYPE_INETD = DirectiveSpec.builder("ServerType", args ->
            switch (args.get(0).toLowerCase(Locale.ROOT)) {
                case "standalone" -> false;
                case "inetd" -> true;
                default -> throw new IllegalArgumentException("expected standalone or inetd, not '" + args.get(0) + "'");
            }).args(1, 1).contexts(SERVER).defaultValue(false).build();

    public static final DirectiveSpec<Long> PORT = DirectiveSpec.number("Port", 21, 0, 65535).build();

    public static final DirectiveSpec<List<String>> DEFAULT_ADDRESS = DirectiveSpec.words("DefaultAddress", 1, 64)
            .contexts(SERVER).build();

    public static final DirectiveSpec<Boolean> DEFAULT_SERVER = DirectiveSpec.flag("DefaultServer", false)
            .contexts(SERVER, VIRTUAL_HOST).merge(Merge.NONE).build();

    public static final DirectiveSpec<Boolean> SOCKET_BIND_TIGHT = DirectiveSpec.flag("SocketBindTight", false)
            .contexts(SERVER).build();

    public static final DirectiveSpec<Boolean> USE_IPV6 = DirectiveSpec.flag("UseIPv6", true).contexts(SERVER).build();

    public static final DirectiveSpec<Boolean> USE_REVERSE_DNS = DirectiveSpec.flag("UseReverseDNS", true)
            .contexts(SERVER).build();

    public static final DirectiveSpec<Long> TCP_BACKLOG = DirectiveSpec.number("TCPBacklog", 511, 1, 65535)
            .contexts(SERVER).build();

    public static final DirectiveSpec<String> MASQUERADE_ADDRESS = DirectiveSpec.builder("MasqueradeAddress", args -> {
        if (args.get(0).isBlank()) {
            throw new IllegalArgumentException("missing parameter");
        }
        return args.get(0);
    }).args(1, 1).build();

    public static final DirectiveSpec<PortRange> PASSIVE_PORTS = DirectiveSpec.builder("PassivePorts", args -> {
        int min = (int) DirectiveSpec.parseNumber(args.get(0), 1024, 65535);
        int max = (int) DirectiveSpec.parseNumber(args.get(1), 1024, 65535);
        if (max < min) {
            throw new IllegalArgumentException("maximum port " + max + " is below minimum " + min);
        }
        return new PortRange(min, max);
    }).args(2, 2).build();

    public static final DirectiveSpec<ForeignAddress> ALLOW_FOREIGN_ADDRESS = DirectiveSpec.builder(
            "AllowForeignAddress", args -> {
                String word = args.get(0);
                try {
                    return new ForeignAddress(DirectiveSpec.parseFlag(word), Optional.empty());
                } catch (IllegalArgumentException notAFlag) {
                    return new ForeignAddress(false, Optional.of(word));
                }
            }).args(1, 1).contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).defaultValue(ForeignAddress.OFF).build();

    public static final DirectiveSpec<Long> TIMEOUT_IDLE = seconds("TimeoutIdle", 600)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();
    public static final DirectiveSpec<Long> TIMEOUT_LOGIN = seconds("TimeoutLogin", 300).build();
    public static final DirectiveSpec<Long> TIMEOUT_NO_TRANSFER = seconds("TimeoutNoTransfer", 300)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();
    public static final DirectiveSpec<Long> TIMEOUT_STALLED = seconds("TimeoutStalled", 3600)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();
    public static final DirectiveSpec<Long> TIMEOUT_SESSION = seconds("TimeoutSession", 0)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();
    public static final DirectiveSpec<Long> TIMEOUT_LINGER = seconds("TimeoutLinger", 10).build();

    public static final DirectiveSpec<Limit> MAX_INSTANCES = DirectiveSpec.builder("MaxInstances",
            args -> args.get(0).equalsIgnoreCase("none") ? Limit.NONE
                    : new Limit(DirectiveSpec.parseNumber(args.get(0), 1, Integer.MAX_VALUE)))
            .args(1, 1).contexts(SERVER).defaultValue(Limit.NONE).build();

    public static final DirectiveSpec<Ident> SERVER_IDENT = DirectiveSpec.builder("ServerIdent", args -> {
        boolean on = DirectiveSpec.parseFlag(args.get(0));
        return new Ident(on, args.size() > 1 ? Optional.of(args.get(1)) : Optional.empty());
    }).args(1, 2).defaultValue(new Ident(true, Optional.empty())).build();

    public static final DirectiveSpec<Boolean> MULTILINE_RFC2228 = DirectiveSpec.flag("MultilineRFC2228", false)
            .build();

    public static final DirectiveSpec<Boolean> DEFER_WELCOME = DirectiveSpec.flag("DeferWelcome", false).build();

    public static final DirectiveSpec<List<String>> SERVER_ALIAS = DirectiveSpec.words("ServerAlias", 1, 64)
            .repeatable().merge(Merge.NONE).build();

    public static final DirectiveSpec<String> SERVER_ADMIN = DirectiveSpec.text("ServerAdmin", "")
            .contexts(SERVER, VIRTUAL_HOST).build();

    public static final DirectiveSpec<String> DISPLAY_CONNECT = DirectiveSpec.text("DisplayConnect", null).build();

    public static final DirectiveSpec<String> DISPLAY_QUIT = DirectiveSpec.text("DisplayQuit", null)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();

    public static final DirectiveSpec<Boolean> TIMES_GMT = DirectiveSpec.flag("TimesGMT", true)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();

    public static final DirectiveSpec<Umask> UMASK = DirectiveSpec.builder("Umask", args -> {
        int file = octal(args.get(0));
        int dir = args.size() > 1 ? octal(args.get(1)) : file;
        return new Umask(file, dir);
    }).args(1, 2).contexts(DirectiveSpec.FILE_CONTEXTS).defaultValue(new Umask(022, 022)).build();

    public static final DirectiveSpec<Optional<String>> TRANSFER_LOG = logTarget("TransferLog")
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();

    public static final DirectiveSpec<Optional<String>> SYSTEM_LOG = logTarget("SystemLog").contexts(SERVER).build();

    /** Where ftpshut's message file is read ({@code /etc/shutmsg} as in ProFTPD); per virtual host. */
    public static final DirectiveSpec<Optional<String>> SHUTDOWN_MESSAGE_FILE = logTarget("ShutdownMessageFile")
            .contexts(SERVER, VIRTUAL_HOST, GLOBAL).defaultValue(Optional.of("/etc/shutmsg")).build();

    // ----- mod_ctrls.c -----

    public static final DirectiveSpec<Boolean> CONTROLS_ENGINE = DirectiveSpec.flag("ControlsEngine", true)
            .contexts(SERVER).build();

    /** The control socket; without it, {@code <modftpd.home>/var/run/modftpd.sock}. */
    public static final DirectiveSpec<Optional<String>> CONTROLS_SOCKET = logTarget("ControlsSocket")
            .contexts(SERVER).build();

    public static final DirectiveSpec<List<AuthOrderEntry>> AUTH_ORDER = DirectiveSpec.builder("AuthOrder", args -> {
        List<AuthOrderEntry> entries = new ArrayList<>();
        for (String word : args) {
            boolean required = word.endsWith("*");
            String module = required ? word.substring(0, word.length() - 1) : word;
            if (!module.endsWith(".c")) {
                throw new IllegalArgumentException("'" + word + "' is not a module name such as mod_auth_file.c");
            }
            entries.add(new AuthOrderEntry(module, required));
        }
        return List.copyOf(entries);
    }).args(1, 64).build();

    public static final DirectiveSpec<Long> COMMAND_BUFFER_SIZE = DirectiveSpec.number("CommandBufferSize", 4103,
            16, 1 << 20).build();

    public static final DirectiveSpec<Boolean> ALLOW_OVERRIDE = DirectiveSpec.flag("AllowOverride", true)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();

    // ----- access control inside <Limit> and <Class> (evaluated by the access-control layer) -----

    private static final Set<ContextKind> LIMIT_ONLY = EnumSet.of(LIMIT);

    public static final DirectiveSpec<Boolean> ORDER = DirectiveSpec.builder("Order", args -> {
        String joined = String.join("", args).toLowerCase(Locale.ROOT).replace(" ", "");
        return switch (joined) {
            case "allow,deny" -> true;
            case "deny,allow" -> false;
            default -> throw new IllegalArgumentException("expected allow,deny or deny,allow");
        };
    }).args(1, 3).contexts(LIMIT_ONLY).merge(Merge.NONE).defaultValue(true).build();

    public static final DirectiveSpec<List<AddressPattern>> ALLOW = addressList("Allow");
    public static final DirectiveSpec<List<AddressPattern>> DENY = addressList("Deny");
    public static final DirectiveSpec<Boolean> ALLOW_ALL = noArgs("AllowAll", EnumSet.of(LIMIT, ANONYMOUS, DIRECTORY,
            FTPACCESS, SERVER, VIRTUAL_HOST, GLOBAL));
    public static final DirectiveSpec<Boolean> DENY_ALL = noArgs("DenyAll", EnumSet.of(LIMIT, ANONYMOUS, DIRECTORY,
            FTPACCESS, SERVER, VIRTUAL_HOST, GLOBAL));
    public static final DirectiveSpec<List<String>> ALLOW_USER = expression("AllowUser");
    public static final DirectiveSpec<List<String>> DENY_USER = expression("DenyUser");
    public static final DirectiveSpec<List<String>> ALLOW_GROUP = expression("AllowGroup");
    public static final DirectiveSpec<List<String>> DENY_GROUP = expression("DenyGroup");
    public static final DirectiveSpec<List<String>> ALLOW_CLASS = expression("AllowClass");
    public static final DirectiveSpec<List<String>> DENY_CLASS = expression("DenyClass");
    public static final DirectiveSpec<Boolean> IGNORE_HIDDEN = DirectiveSpec.flag("IgnoreHidden", false)
            .contexts(LIMIT_ONLY).merge(Merge.NONE).build();

    public static final DirectiveSpec<List<AddressPattern>> FROM = DirectiveSpec.builder("From", args -> {
        List<AddressPattern> rules = new ArrayList<>();
        for (String a : args) {
            for (String part : a.split(",")) {
                if (!part.isBlank()) {
                    rules.add(AddressPattern.parse(part.strip()));
                }
            }
        }
        return List.copyOf(rules);
    }).args(1, 1024).contexts(CLASS).repeatable().merge(Merge.NONE).build();
    public static final DirectiveSpec<Boolean> SATISFY_ALL = DirectiveSpec.builder("Satisfy", args ->
            switch (args.get(0).toLowerCase(Locale.ROOT)) {
                case "any" -> false;
                case "all" -> true;
                default -> throw new IllegalArgumentException("expected any or all, not '" + args.get(0) + "'");
            }).args(1, 1).contexts(CLASS).merge(Merge.NONE).defaultValue(false).build();

    // ----- mod_auth.c -----

    public static final DirectiveSpec<RootRule> DEFAULT_ROOT = DirectiveSpec.builder("DefaultRoot", args ->
            new RootRule(args.get(0), args.size() > 1 ? Optional.of(String.join(",", args.subList(1, args.size())))
                    : Optional.empty()))
            .args(1, 64).repeatable().build();

    public static final DirectiveSpec<RootRule> DEFAULT_CHDIR = DirectiveSpec.builder("DefaultChdir", args ->
            new RootRule(args.get(0), args.size() > 1 ? Optional.of(String.join(",", args.subList(1, args.size())))
                    : Optional.empty()))
            .args(1, 64).repeatable().contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();

    /** {@code User} inside {@code <Anonymous>}; elsewhere a daemon setting with no effect here. */
    public static final DirectiveSpec<String> USER = DirectiveSpec.text("User", null)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).merge(Merge.NONE).build();

    /** {@code Group} inside {@code <Anonymous>}; elsewhere a daemon setting with no effect here. */
    public static final DirectiveSpec<String> GROUP = DirectiveSpec.text("Group", null)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).merge(Merge.NONE).build();

    public static final DirectiveSpec<Alias> USER_ALIAS = DirectiveSpec.builder("UserAlias",
            args -> new Alias(args.get(0), args.get(1))).args(2, 2).repeatable()
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).merge(Merge.NONE).build();

    public static final DirectiveSpec<Boolean> ANON_REQUIRE_PASSWORD = DirectiveSpec.flag("AnonRequirePassword", false)
            .contexts(ANONYMOUS).build();

    public static final DirectiveSpec<Long> MAX_LOGIN_ATTEMPTS = DirectiveSpec.number("MaxLoginAttempts", 3, 1, 10_000)
            .build();

    public static final DirectiveSpec<String> ACCESS_GRANT_MSG = DirectiveSpec.text("AccessGrantMsg", null)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();

    public static final DirectiveSpec<String> ACCESS_DENY_MSG = DirectiveSpec.text("AccessDenyMsg", null)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();

    public static final DirectiveSpec<String> DISPLAY_LOGIN = DirectiveSpec.text("DisplayLogin", null)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();

    public static final DirectiveSpec<Long> MAX_PASSWORD_SIZE = DirectiveSpec.number("MaxPasswordSize", 1024, 1,
            1 << 16).build();

    // ----- mod_xfer.c -----

    public static final DirectiveSpec<Boolean> ALLOW_OVERWRITE = DirectiveSpec.flag("AllowOverwrite", false)
            .contexts(DirectiveSpec.FILE_CONTEXTS).build();
    public static final DirectiveSpec<Boolean> ALLOW_RETRIEVE_RESTART = DirectiveSpec.flag("AllowRetrieveRestart", true)
            .contexts(DirectiveSpec.FILE_CONTEXTS).build();
    public static final DirectiveSpec<Boolean> ALLOW_STORE_RESTART = DirectiveSpec.flag("AllowStoreRestart", false)
            .contexts(DirectiveSpec.FILE_CONTEXTS).build();
    public static final DirectiveSpec<Boolean> DELETE_ABORTED_STORES = DirectiveSpec.flag("DeleteAbortedStores", false)
            .contexts(DirectiveSpec.FILE_CONTEXTS).build();
    public static final DirectiveSpec<HiddenStores> HIDDEN_STORES = DirectiveSpec.builder("HiddenStores", args -> {
        try {
            boolean on = DirectiveSpec.parseFlag(args.get(0));
            if (args.size() > 1) {
                throw new IllegalArgumentException("on/off takes no suffix");
            }
            return on ? new HiddenStores(true, ".in.", ".") : HiddenStores.OFF;
        } catch (IllegalArgumentException notAFlag) {
            if (args.get(0).indexOf('/') >= 0) {
                throw new IllegalArgumentException("prefix must not contain '/'");
            }
            return new HiddenStores(true, args.get(0), args.size() > 1 ? args.get(1) : ".");
        }
    }).args(1, 2).contexts(DirectiveSpec.FILE_CONTEXTS).defaultValue(HiddenStores.OFF).build();

    public static final DirectiveSpec<Boolean> DEFAULT_TRANSFER_ASCII = DirectiveSpec.builder("DefaultTransferMode",
            args -> switch (args.get(0).toLowerCase(Locale.ROOT)) {
                case "ascii" -> true;
                case "binary" -> false;
                default -> throw new IllegalArgumentException("expected ascii or binary, not '" + args.get(0) + "'");
            }).args(1, 1).contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).defaultValue(true).build();

    public static final DirectiveSpec<String> STORE_UNIQUE_PREFIX = DirectiveSpec.text("StoreUniquePrefix", "")
            .contexts(DirectiveSpec.FILE_CONTEXTS).build();

    public static final DirectiveSpec<Boolean> USE_SENDFILE = DirectiveSpec.builder("UseSendfile", args -> {
        String w = args.get(0);
        if (w.matches("\\d+[%]?|\\d+\\s*[kKmMgG][bB]?")) {
            return true;
        }
        return DirectiveSpec.parseFlag(w);
    }).args(1, 1).contexts(DirectiveSpec.FILE_CONTEXTS).defaultValue(true).build();

    // ----- mod_ls.c -----

    public static final DirectiveSpec<Boolean> SHOW_SYMLINKS = DirectiveSpec.flag("ShowSymlinks", true)
            .contexts(DirectiveSpec.FILE_CONTEXTS).build();

    // ----- helpers -----

    private static DirectiveSpec.Builder<Long> seconds(String name, long dflt) {
        return DirectiveSpec.builder(name, args -> {
            String w = args.get(0);
            if (w.equalsIgnoreCase("none") || w.equals("0")) {
                return 0L;
            }
            return DirectiveSpec.parseNumber(w, 0, MAX_SECONDS);
        }).args(1, 1).defaultValue(dflt);
    }

    private static DirectiveSpec.Builder<Optional<String>> logTarget(String name) {
        return DirectiveSpec.builder(name, args -> {
            String w = args.get(0);
            if (w.equalsIgnoreCase("none")) {
                return Optional.<String>empty();
            }
            if (!w.startsWith("/")) {
                throw new IllegalArgumentException("'" + w + "' is not an absolute path or none");
            }
            return Optional.of(w);
        }).args(1, 1).defaultValue(Optional.empty());
    }

    private static int octal(String w) {
        try {
            int v = Integer.parseInt(w, 8);
            if (v < 0 || v > 0777) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + w + "' is not an octal mode between 000 and 777");
        }
    }

    private static DirectiveSpec<List<AddressPattern>> addressList(String name) {
        return DirectiveSpec.builder(name, args -> {
            List<AddressPattern> rules = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (i == 0 && a.equalsIgnoreCase("from")) {
                    continue;
                }
                for (String part : a.split(",")) {
                    if (!part.isBlank()) {
                        rules.add(AddressPattern.parse(part.strip()));
                    }
                }
            }
            if (rules.isEmpty()) {
                throw new IllegalArgumentException("needs at least one address, network or name");
            }
            return List.copyOf(rules);
        }).args(1, 1024).contexts(LIMIT_ONLY).repeatable().merge(Merge.NONE).build();
    }

    private static DirectiveSpec<List<String>> expression(String name) {
        return DirectiveSpec.builder(name, args -> {
            org.modftpd.api.NameExpression.parse(args, false);
            return List.copyOf(args);
        }).args(1, 1024).contexts(LIMIT_ONLY).repeatable().merge(Merge.NONE).build();
    }

    private static DirectiveSpec<Boolean> noArgs(String name, Set<ContextKind> contexts) {
        return DirectiveSpec.builder(name, args -> Boolean.TRUE).args(0, 0).contexts(contexts)
                .merge(Merge.NONE).defaultValue(false).build();
    }

    /**
     * Directives of a forking root daemon that mean nothing in one JVM; accepted so real ProFTPD
     * files load, each with one logged notice.
     */
    public static final List<String> DAEMON_ONLY = List.of("PidFile", "ScoreboardFile", "ScoreboardMutex",
            "ScoreboardOptions", "ScoreboardScrub", "WtmpLog", "DelayTable", "SyslogFacility", "SyslogLevel",
            "DebugLevel", "TraceLog", "Trace", "TraceOptions", "ProcessTitles", "RLimitCPU", "RLimitMemory",
            "RLimitOpenFiles", "RLimitChroot", "RootRevoke", "UseLastlog", "SetEnv", "UnsetEnv", "FSCachePolicy",
            "FSOptions", "TCPNoDelay", "SocketOptions", "PersistentPasswd", "AuthUnixOptions", "IdentLookups",
            "IncludeOptions", "RegexOptions", "ServerLog", "LogOptions", "AllowLogSymlinks");

    /** Specs for {@link #DAEMON_ONLY}: any arguments, anywhere. */
    public static List<DirectiveSpec<?>> daemonOnlySpecs() {
        Set<ContextKind> anywhere = EnumSet.allOf(ContextKind.class);
        return DAEMON_ONLY.stream().distinct()
                .<DirectiveSpec<?>>map(n -> DirectiveSpec.words(n, 0, 1024).contexts(anywhere).repeatable().build())
                .toList();
    }
}

package org.modftpd.core.internal.modules;

import static org.modftpd.api.ContextKind.ANONYMOUS;
import static org.modftpd.api.ContextKind.DIRECTORY;
import static org.modftpd.api.ContextKind.FTPACCESS;
import static org.modftpd.api.ContextKind.GLOBAL;
import static org.modftpd.api.ContextKind.SERVER;
import static org.modftpd.api.ContextKind.VIRTUAL_HOST;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.api.DirectiveSpec.Merge;

/** Directives of access control, limits, hiding and filters (ProFTPD's mod_core, mod_auth, mod_ls, mod_xfer). */
public final class AccessDirectives {

    private AccessDirectives() {
    }

    /** A regular expression, optionally negated with a leading {@code !}. */
    public record Regex(Pattern pattern, boolean negated) {
        public boolean matches(String text) {
            return pattern.matcher(text).find() != negated;
        }
    }

    /** A name, optionally negated with {@code !} ({@code HideUser !ftp}). */
    public record Name(String name, boolean negated) {
    }

    /** A {@code Max*} limit: the number, and the message with {@code %m} for it. */
    public record Max(long limit, Optional<String> message) {
        public String text(String defaultMessage) {
            return message.orElse(defaultMessage).replace("%m", Long.toString(limit));
        }
    }

    /** {@code MaxClientsPerClass class n [msg]}. */
    public record ClassMax(String className, long limit, Optional<String> message) {
    }

    /** {@code MaxStoreFileSize n [unit] [user|group|class expression]}. */
    public record SizeLimit(long bytes, Optional<String> scope, List<String> expression) {
        public boolean unlimited() {
            return bytes < 0;
        }
    }

    /** {@code DirFakeUser on|off [name]} and {@code DirFakeGroup}. */
    public record Fake(boolean on, String name) {
    }

    /** {@code ListOptions "opts" [strict] ...}. */
    public record ListOptions(String options, boolean strict) {
    }

    /** {@code HideFiles regex [user|group|class expression]}. */
    public record Hide(Regex regex, Optional<String> scope, List<String> expression) {
    }

    private static final java.util.Set<org.modftpd.api.ContextKind> ANON_DIR =
            EnumSet.of(ANONYMOUS, DIRECTORY, FTPACCESS);

    static Regex regex(String text) {
        boolean negated = text.startsWith("!");
        String r = negated ? text.substring(1) : text;
        try {
            return new Regex(Pattern.compile(r), negated);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid regular expression: " + e.getDescription());
        }
    }

    private static DirectiveSpec.Builder<Regex> regexSpec(String name) {
        return DirectiveSpec.builder(name, args -> regex(args.get(0))).args(1, 1)
                .contexts(DirectiveSpec.FILE_CONTEXTS);
    }

    private static DirectiveSpec.Builder<Max> maxSpec(String name) {
        return DirectiveSpec.builder(name, args -> {
            String n = args.get(0);
            long limit = n.equalsIgnoreCase("none") ? 0 : DirectiveSpec.parseNumber(n, 1, Integer.MAX_VALUE);
            return new Max(limit, args.size() > 1 ? Optional.of(args.get(1)) : Optional.empty());
        }).args(1, 2);
    }

    // ----- hiding and filters (mod_core / mod_ls) -----

    public static final DirectiveSpec<Hide> HIDE_FILES = DirectiveSpec.builder("HideFiles", args -> {
        Optional<String> scope = Optional.empty();
        List<String> expr = List.of();
        if (args.size() > 1) {
            String s = args.get(1).toLowerCase(Locale.ROOT);
            if (!List.of("user", "group", "class").contains(s) || args.size() < 3) {
                throw new IllegalArgumentException("expected user, group or class and an expression after the regex");
            }
            scope = Optional.of(s);
            expr = List.copyOf(args.subList(2, args.size()));
        }
        return new Hide(regex(args.get(0)), scope, expr);
    }).args(1, 64).contexts(DirectiveSpec.FILE_CONTEXTS).build();

    public static final DirectiveSpec<Name> HIDE_USER = DirectiveSpec.builder("HideUser",
            args -> name(args.get(0))).args(1, 1).contexts(ANON_DIR).build();
    public static final DirectiveSpec<Name> HIDE_GROUP = DirectiveSpec.builder("HideGroup",
            args -> name(args.get(0))).args(1, 1).contexts(ANON_DIR).build();
    public static final DirectiveSpec<Boolean> HIDE_NO_ACCESS = DirectiveSpec.flag("HideNoAccess", false)
            .contexts(ANON_DIR).build();

    public static final DirectiveSpec<Regex> ALLOW_FILTER = regexSpec("AllowFilter").build();
    public static final DirectiveSpec<Regex> DENY_FILTER = regexSpec("DenyFilter").build();
    public static final DirectiveSpec<Regex> PATH_ALLOW_FILTER = regexSpec("PathAllowFilter").build();
    public static final DirectiveSpec<Regex> PATH_DENY_FILTER = regexSpec("PathDenyFilter").build();

    public static final DirectiveSpec<Fake> DIR_FAKE_USER = fake("DirFakeUser");
    public static final DirectiveSpec<Fake> DIR_FAKE_GROUP = fake("DirFakeGroup");
    public static final DirectiveSpec<Integer> DIR_FAKE_MODE = DirectiveSpec.builder("DirFakeMode", args -> {
        try {
            int m = Integer.parseInt(args.get(0), 8);
            if (m < 0 || m > 07777) {
                throw new NumberFormatException();
            }
            return m;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + args.get(0) + "' is not an octal mode");
        }
    }).args(1, 1).contexts(DirectiveSpec.FILE_CONTEXTS).build();

    public static final DirectiveSpec<ListOptions> LIST_OPTIONS = DirectiveSpec.builder("ListOptions", args -> {
        boolean strict = false;
        for (int i = 1; i < args.size(); i++) {
            String w = args.get(i).toLowerCase(Locale.ROOT);
            if (w.equals("strict")) {
                strict = true;
            } else if (List.of("maxdepth", "maxfiles", "maxdirs").contains(w)) {
                i++;
            }
        }
        return new ListOptions(args.get(0), strict);
    }).args(1, 16).contexts(DirectiveSpec.FILE_CONTEXTS).build();

    // ----- login restrictions (mod_auth) -----

    public static final DirectiveSpec<Boolean> ALLOW_CHROOT_SYMLINKS = DirectiveSpec.flag("AllowChrootSymlinks", true)
            .build();
    public static final DirectiveSpec<Boolean> REQUIRE_VALID_SHELL = DirectiveSpec.flag("RequireValidShell", true)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();
    public static final DirectiveSpec<Boolean> USE_FTP_USERS = DirectiveSpec.flag("UseFtpUsers", true)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();
    public static final DirectiveSpec<Boolean> ROOT_LOGIN = DirectiveSpec.flag("RootLogin", false)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();
    public static final DirectiveSpec<Regex> ANON_REJECT_PASSWORDS = DirectiveSpec.builder("AnonRejectPasswords",
            args -> regex(args.get(0))).args(1, 2).contexts(ANONYMOUS).build();
    public static final DirectiveSpec<List<String>> ANONYMOUS_GROUP = DirectiveSpec.words("AnonymousGroup", 1, 64)
            .contexts(SERVER, VIRTUAL_HOST, GLOBAL).build();
    public static final DirectiveSpec<List<String>> USER_PASSWORD = DirectiveSpec.words("UserPassword", 2, 2)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).repeatable().merge(Merge.DOWN_MULTI).build();
    public static final DirectiveSpec<Boolean> AUTH_ALIAS_ONLY = DirectiveSpec.flag("AuthAliasOnly", false)
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();
    public static final DirectiveSpec<Boolean> AUTH_USING_ALIAS = DirectiveSpec.flag("AuthUsingAlias", false)
            .contexts(ANONYMOUS).build();

    public static final DirectiveSpec<Max> MAX_CLIENTS = maxSpec("MaxClients")
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();
    public static final DirectiveSpec<Max> MAX_CLIENTS_PER_HOST = maxSpec("MaxClientsPerHost")
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();
    public static final DirectiveSpec<Max> MAX_CLIENTS_PER_USER = maxSpec("MaxClientsPerUser")
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();
    public static final DirectiveSpec<Max> MAX_HOSTS_PER_USER = maxSpec("MaxHostsPerUser")
            .contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();
    public static final DirectiveSpec<Max> MAX_CONNECTIONS_PER_HOST = maxSpec("MaxConnectionsPerHost").build();
    public static final DirectiveSpec<ClassMax> MAX_CLIENTS_PER_CLASS = DirectiveSpec.builder("MaxClientsPerClass",
            args -> new ClassMax(args.get(0), args.get(1).equalsIgnoreCase("none") ? 0
                    : DirectiveSpec.parseNumber(args.get(1), 1, Integer.MAX_VALUE),
                    args.size() > 2 ? Optional.of(args.get(2)) : Optional.empty()))
            .args(2, 3).repeatable().merge(Merge.DOWN_MULTI).build();

    // ----- file sizes (mod_xfer) -----

    public static final DirectiveSpec<SizeLimit> MAX_STORE_FILE_SIZE = sizeLimit("MaxStoreFileSize");
    public static final DirectiveSpec<SizeLimit> MAX_RETRIEVE_FILE_SIZE = sizeLimit("MaxRetrieveFileSize");

    private static DirectiveSpec<SizeLimit> sizeLimit(String name) {
        return DirectiveSpec.builder(name, args -> {
            String n = args.get(0);
            long bytes;
            int next = 1;
            if (n.equals("*")) {
                bytes = -1;
            } else {
                long v = DirectiveSpec.parseNumber(n, 0, Long.MAX_VALUE / (1L << 30));
                long unit = 1;
                if (args.size() > 1) {
                    String u = args.get(1).toLowerCase(Locale.ROOT);
                    Long factor = switch (u) {
                        case "b", "byte", "bytes" -> 1L;
                        case "kb" -> 1024L;
                        case "mb" -> 1024L * 1024;
                        case "gb" -> 1024L * 1024 * 1024;
                        default -> null;
                    };
                    if (factor != null) {
                        unit = factor;
                        next = 2;
                    }
                }
                bytes = v * unit;
            }
            Optional<String> scope = Optional.empty();
            List<String> expr = List.of();
            if (args.size() > next) {
                String s = args.get(next).toLowerCase(Locale.ROOT);
                if (!List.of("user", "group", "class").contains(s) || args.size() <= next + 1) {
                    throw new IllegalArgumentException("expected a unit (B, KB, MB, GB) or user|group|class and an "
                            + "expression, not '" + args.get(next) + "'");
                }
                scope = Optional.of(s);
                expr = List.copyOf(args.subList(next + 1, args.size()));
            }
            return new SizeLimit(bytes, scope, expr);
        }).args(1, 64).contexts(DirectiveSpec.FILE_CONTEXTS).repeatable().build();
    }

    private static Name name(String word) {
        boolean negated = word.startsWith("!");
        return new Name(negated ? word.substring(1) : word, negated);
    }

    private static DirectiveSpec<Fake> fake(String name) {
        return DirectiveSpec.builder(name, args -> {
            boolean on = DirectiveSpec.parseFlag(args.get(0));
            return new Fake(on, args.size() > 1 ? args.get(1) : "ftp");
        }).args(1, 2).contexts(DirectiveSpec.FILE_CONTEXTS).build();
    }
}

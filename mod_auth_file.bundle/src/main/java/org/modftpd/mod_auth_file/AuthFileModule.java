package org.modftpd.mod_auth_file;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.modftpd.api.Config;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.api.GroupAccount;
import org.modftpd.api.Session;
import org.modftpd.api.UserAccount;
import org.modftpd.mod_auth_file.AuthFiles.GroupEntry;
import org.modftpd.mod_auth_file.AuthFiles.Parsed;
import org.modftpd.mod_auth_file.AuthFiles.PasswdEntry;
import org.modftpd.spi.AuthAnswer;
import org.modftpd.spi.AuthProvider;
import org.modftpd.spi.AuthResult;
import org.modftpd.spi.FtpModule;
import org.modftpd.spi.ModulePriority;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * mod_auth_file.c: users from an {@code AuthUserFile} (passwd format) and groups from an
 * {@code AuthGroupFile} (group format). Files are re-read when they change.
 */
@Component(service = FtpModule.class)
public final class AuthFileModule implements FtpModule, AuthProvider {

    /** {@code AuthUserFile path [id min-max] [home regex] [name regex]}. */
    record UserFile(Path path, long minId, long maxId, Pattern home, Pattern name) {
    }

    /** {@code AuthGroupFile path [id min-max] [name regex]}. */
    record GroupFile(Path path, long minId, long maxId, Pattern name) {
    }

    static final DirectiveSpec<UserFile> AUTH_USER_FILE = DirectiveSpec.builder("AuthUserFile", args -> {
        Filters f = Filters.parse(args, true);
        return new UserFile(f.path(), f.minId(), f.maxId(), f.home(), f.name());
    }).args(1, 7).build();

    static final DirectiveSpec<GroupFile> AUTH_GROUP_FILE = DirectiveSpec.builder("AuthGroupFile", args -> {
        Filters f = Filters.parse(args, false);
        return new GroupFile(f.path(), f.minId(), f.maxId(), f.name());
    }).args(1, 5).build();

    static final DirectiveSpec<List<String>> AUTH_FILE_OPTIONS = DirectiveSpec.builder("AuthFileOptions", args -> {
        for (String a : args) {
            if (!a.equalsIgnoreCase("InsecurePerms") && !a.equalsIgnoreCase("SyntaxCheck")) {
                throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        return List.copyOf(args);
    }).args(1, 2).build();

    private final Map<Path, Parsed<PasswdEntry>> users = new ConcurrentHashMap<>();
    private final Map<Path, Parsed<GroupEntry>> groups = new ConcurrentHashMap<>();

    @Deactivate
    void deactivate() {
        users.clear();
        groups.clear();
    }

    @Override
    public String name() {
        return "mod_auth_file.c";
    }

    @Override
    public int priority() {
        return ModulePriority.AUTH_BACKEND;
    }

    @Override
    public List<DirectiveSpec<?>> directives() {
        return List.of(AUTH_USER_FILE, AUTH_GROUP_FILE, AUTH_FILE_OPTIONS);
    }

    @Override
    public Optional<AuthProvider> authProvider() {
        return Optional.of(this);
    }

    // ---------------------------------------------------------------- AuthProvider

    @Override
    public AuthAnswer<UserAccount> findUser(Session session, String name) {
        Optional<UserFile> spec = session.config().get(AUTH_USER_FILE);
        if (spec.isEmpty()) {
            return AuthAnswer.declined();
        }
        Optional<PasswdEntry> entry = entry(session, spec.get(), name);
        if (entry.isEmpty()) {
            return AuthAnswer.declined();
        }
        PasswdEntry e = entry.get();
        return AuthAnswer.found(new UserAccount(e.name(), e.uid(), e.gid(), e.home(), e.shell()));
    }

    @Override
    public AuthResult authenticate(Session session, UserAccount user, String password) {
        Optional<UserFile> spec = session.config().get(AUTH_USER_FILE);
        if (spec.isEmpty()) {
            return AuthResult.DECLINED;
        }
        Optional<PasswdEntry> entry = entry(session, spec.get(), user.name());
        if (entry.isEmpty()) {
            return AuthResult.NO_SUCH_USER;
        }
        String hash = entry.get().hash();
        if (hash.isEmpty()) {
            session.log().notice("USER " + user.name() + ": empty password field in " + spec.get().path()
                    + " is not allowed");
            return AuthResult.DISABLED;
        }
        if (hash.startsWith("*") || hash.startsWith("!")) {
            return AuthResult.DISABLED;
        }
        if (!PasswordHashes.supported(hash)) {
            session.log().warn("USER " + user.name() + ": unsupported password hash scheme in " + spec.get().path());
            return AuthResult.BAD_PASSWORD;
        }
        return PasswordHashes.matches(hash, password) ? AuthResult.OK : AuthResult.BAD_PASSWORD;
    }

    @Override
    public AuthAnswer<List<GroupAccount>> groupsOf(Session session, UserAccount user) {
        Optional<GroupFile> spec = session.config().get(AUTH_GROUP_FILE);
        if (spec.isEmpty()) {
            return AuthAnswer.declined();
        }
        Parsed<GroupEntry> parsed = groups(session, spec.get());
        if (parsed == null) {
            return AuthAnswer.declined();
        }
        List<GroupAccount> result = new ArrayList<>();
        for (GroupEntry g : parsed.all()) {
            if (g.gid() == user.gid() && accepted(spec.get(), g)) {
                result.add(0, account(g));
            }
        }
        for (GroupEntry g : parsed.all()) {
            if (g.gid() != user.gid() && g.members().contains(user.name()) && accepted(spec.get(), g)) {
                result.add(account(g));
            }
        }
        return AuthAnswer.found(List.copyOf(result));
    }

    @Override
    public AuthAnswer<GroupAccount> findGroup(Session session, String name) {
        Optional<GroupFile> spec = session.config().get(AUTH_GROUP_FILE);
        if (spec.isEmpty()) {
            return AuthAnswer.declined();
        }
        Parsed<GroupEntry> parsed = groups(session, spec.get());
        GroupEntry g = parsed == null ? null : parsed.byName().get(name);
        return g != null && accepted(spec.get(), g) ? AuthAnswer.found(account(g)) : AuthAnswer.declined();
    }

    private static GroupAccount account(GroupEntry g) {
        return new GroupAccount(g.name(), g.gid(), g.members());
    }

    private static boolean accepted(GroupFile spec, GroupEntry g) {
        return g.gid() >= spec.minId() && g.gid() <= spec.maxId()
                && (spec.name() == null || spec.name().matcher(g.name()).find());
    }

    // ---------------------------------------------------------------- files

    private Optional<PasswdEntry> entry(Session session, UserFile spec, String name) {
        Parsed<PasswdEntry> parsed = users(session, spec);
        if (parsed == null) {
            return Optional.empty();
        }
        PasswdEntry e = parsed.byName().get(name);
        if (e == null || e.uid() < spec.minId() || e.uid() > spec.maxId()
                || spec.home() != null && !spec.home().matcher(e.home()).find()
                || spec.name() != null && !spec.name().matcher(e.name()).find()) {
            return Optional.empty();
        }
        return Optional.of(e);
    }

    private Parsed<PasswdEntry> users(Session session, UserFile spec) {
        return load(session, spec.path(), users, true, AuthFiles::readPasswd);
    }

    private Parsed<GroupEntry> groups(Session session, GroupFile spec) {
        return load(session, spec.path(), groups, false, AuthFiles::readGroups);
    }

    private interface Reader<T> {
        Parsed<T> read(Path file, Consumer<String> problems) throws IOException;
    }

    private <T> Parsed<T> load(Session session, Path file, Map<Path, Parsed<T>> cache, boolean passwords,
            Reader<T> reader) {
        if (!insecureAllowed(session.config())) {
            String problem = AuthFiles.insecure(file, passwords);
            if (problem != null) {
                session.log().error("unable to use " + file + ": " + problem
                        + " (use AuthFileOptions InsecurePerms to allow it)");
                return null;
            }
        }
        try {
            Object stamp = AuthFiles.stamp(file);
            Parsed<T> cached = cache.get(file);
            if (cached != null && cached.stamp().equals(stamp)) {
                return cached;
            }
            Parsed<T> fresh = reader.read(file, problem -> session.log().warn(problem));
            cache.put(file, fresh);
            return fresh;
        } catch (NoSuchFileException e) {
            session.log().error("unable to open " + file + ": No such file or directory");
            return null;
        } catch (IOException e) {
            session.log().error("unable to read " + file + ": " + e.getMessage());
            return null;
        }
    }

    private static boolean insecureAllowed(Config config) {
        return config.get(AUTH_FILE_OPTIONS).map(o -> o.stream().anyMatch(x -> x.equalsIgnoreCase("InsecurePerms")))
                .orElse(false);
    }

    /** The optional filters after the path of AuthUserFile and AuthGroupFile. */
    record Filters(Path path, long minId, long maxId, Pattern home, Pattern name) {
        static Filters parse(List<String> args, boolean allowHome) {
            String p = args.get(0);
            if (!p.startsWith("/")) {
                throw new IllegalArgumentException("'" + p + "' is not an absolute path");
            }
            long min = 0;
            long max = Long.MAX_VALUE;
            Pattern home = null;
            Pattern name = null;
            for (int i = 1; i < args.size(); i += 2) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("'" + args.get(i) + "' needs a value");
                }
                String key = args.get(i).toLowerCase(Locale.ROOT);
                String value = args.get(i + 1);
                switch (key) {
                    case "id" -> {
                        String[] range = value.split("-", 2);
                        try {
                            min = Long.parseLong(range[0]);
                            max = range.length == 2 ? Long.parseLong(range[1]) : min;
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("bad id range '" + value + "'");
                        }
                        if (min > max) {
                            throw new IllegalArgumentException("bad id range '" + value + "'");
                        }
                    }
                    case "home" -> {
                        if (!allowHome) {
                            throw new IllegalArgumentException("AuthGroupFile has no home filter");
                        }
                        home = regex(value);
                    }
                    case "name" -> name = regex(value);
                    default -> throw new IllegalArgumentException("unknown filter '" + args.get(i) + "'");
                }
            }
            return new Filters(Path.of(p), min, max, home, name);
        }

        private static Pattern regex(String value) {
            boolean negate = value.startsWith("!");
            String r = negate ? value.substring(1) : value;
            try {
                return negate ? Pattern.compile("^(?!.*(?:" + r + "))") : Pattern.compile(r);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("bad regular expression '" + value + "'");
            }
        }
    }
}

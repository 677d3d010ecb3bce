package org.modftpd.core.internal.config;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.modftpd.api.Config;
import org.modftpd.api.ConfigSection;
import org.modftpd.api.ContextKind;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.core.internal.modules.CoreDirectives;

/**
 * A {@link Config} over a chain of contexts, closest first: {@code .ftpaccess} files and matching
 * {@code <Directory>} sections (deepest first), then the anonymous site if any, then the server.
 * Immutable.
 */
public final class ConfigView implements Config {

    /** Reads the {@code .ftpaccess} of a directory (null when there is none or it is unusable). */
    @FunctionalInterface
    public interface FtpAccess {
        ContextNode read(Path directory);

        /** Whether a path is a directory (following links); a reader may remember the answer for a command. */
        default boolean isDirectory(Path path) {
            return Files.isDirectory(path);
        }

        /** The view of a path, {@code compute}d from {@code base}; a reader may remember it for a command. */
        default ConfigView view(ConfigView base, Path path, Function<Path, ConfigView> compute) {
            return compute.apply(path);
        }
    }

    /**
     * What a logged-in session adds to directory matching: its home (for {@code ~}), other users'
     * homes (for {@code ~user}), the anonymous root (for relative paths in {@code <Anonymous>}), the
     * jail root and the {@code .ftpaccess} reader.
     */
    public record Paths(String home, UnaryOperator<String> homes, String anonRoot, Path jailRoot, FtpAccess ftpAccess) {
        public static final Paths NONE = new Paths(null, u -> null, null, null, null);
    }

    private final Configuration configuration;
    private final ContextNode server;
    private final ContextNode anonymous;
    private final List<ContextNode> chain;
    private final Paths paths;

    private ConfigView(Configuration configuration, ContextNode server, ContextNode anonymous, List<ContextNode> chain,
            Paths paths) {
        this.configuration = configuration;
        this.server = server;
        this.anonymous = anonymous;
        this.chain = List.copyOf(chain);
        this.paths = paths;
    }

    /** The view of a server (and optionally one of its anonymous sites) at top level. */
    public static ConfigView of(Configuration configuration, ContextNode server, ContextNode anonymous, Paths paths) {
        if (paths == null) {
            paths = Paths.NONE;
        }
        List<ContextNode> chain = new ArrayList<>(2);
        if (anonymous != null) {
            chain.add(anonymous);
        }
        chain.add(server);
        return new ConfigView(configuration, server, anonymous, chain, paths);
    }

    public Configuration configuration() {
        return configuration;
    }

    public ContextNode server() {
        return server;
    }

    /** The anonymous context of this view, or null. */
    public ContextNode anonymous() {
        return anonymous;
    }

    /** Contexts from closest to farthest. */
    public List<ContextNode> chain() {
        return chain;
    }

    public Paths paths() {
        return paths;
    }

    /** The same view with a home directory for {@code ~} (and nothing else of a login). */
    public ConfigView withHome(String home) {
        return of(configuration, server, anonymous, new Paths(home, paths.homes(), paths.anonRoot(), paths.jailRoot(),
                paths.ftpAccess()));
    }

    /** The same view with a different server node (overlays). */
    public ConfigView withServer(ContextNode newServer) {
        return of(configuration, newServer, anonymous, paths);
    }

    @Override
    public <T> Optional<T> get(DirectiveSpec<T> spec) {
        for (ContextNode node : chain) {
            List<DirectiveEntry> entries = node.directives(spec.name());
            if (!entries.isEmpty()) {
                return Optional.of(entries.get(0).value(spec));
            }
            if (spec.merge() == DirectiveSpec.Merge.NONE) {
                break;
            }
        }
        return Optional.empty();
    }

    @Override
    public <T> List<T> getAll(DirectiveSpec<T> spec) {
        List<T> values = new ArrayList<>();
        for (ContextNode node : chain) {
            List<DirectiveEntry> entries = node.directives(spec.name());
            for (DirectiveEntry e : entries) {
                values.add(e.value(spec));
            }
            if (spec.merge() == DirectiveSpec.Merge.NONE
                    || (spec.merge() == DirectiveSpec.Merge.DOWN && !entries.isEmpty())) {
                break;
            }
        }
        return values;
    }

    /** Directive entries of a name, closest context first (for code that needs locations). */
    public List<DirectiveEntry> entries(String name) {
        List<DirectiveEntry> all = new ArrayList<>();
        for (ContextNode node : chain) {
            all.addAll(node.directives(name));
        }
        return all;
    }

    @Override
    public List<ConfigSection> sections(String name) {
        return List.copyOf(server.moduleSections(name));
    }

    @Override
    public boolean moduleLoaded(String moduleName) {
        return configuration.loadedModules().contains(moduleName);
    }

    /**
     * The value of a directive for a path. One that cannot be set in {@code <Directory>} or
     * {@code .ftpaccess} (and is inherited, so a closer context cannot hide it) is answered by this
     * view at once, without matching directories or reading {@code .ftpaccess} files.
     */
    public <T> T value(DirectiveSpec<T> spec, Path realPath) {
        boolean pathScoped = spec.merge() == DirectiveSpec.Merge.NONE
                || spec.contexts().contains(ContextKind.DIRECTORY) || spec.contexts().contains(ContextKind.FTPACCESS);
        return (pathScoped ? forPath(realPath) : this).value(spec);
    }

    @Override
    public ConfigView forPath(Path realPath) {
        FtpAccess access = paths.ftpAccess();
        return access == null ? match(realPath) : access.view(this, realPath, this::match);
    }

    private ConfigView match(Path realPath) {
        Path normal = realPath.toAbsolutePath().normalize();
        String path = normal.toString();
        ContextNode base = anonymous != null ? anonymous : server;
        List<Match> matches = new ArrayList<>();
        collect(base.directories(), path, matches);
        matches.sort(CLOSEST_FIRST);
        List<ContextNode> staticChain = new ArrayList<>(matches.size() + chain.size());
        for (Match m : matches) {
            staticChain.add(m.node());
        }
        staticChain.addAll(chain);
        if (paths.ftpAccess() != null && paths.jailRoot() != null) {
            List<Match> dynamic = ftpAccess(normal, staticChain);
            if (!dynamic.isEmpty()) {
                matches.addAll(dynamic);
                matches.sort(CLOSEST_FIRST);
                List<ContextNode> full = new ArrayList<>(matches.size() + chain.size());
                for (Match m : matches) {
                    full.add(m.node());
                }
                full.addAll(chain);
                return new ConfigView(configuration, server, anonymous, full, paths);
            }
        }
        if (matches.isEmpty()) {
            return this;
        }
        return new ConfigView(configuration, server, anonymous, staticChain, paths);
    }

    /**
     * The {@code .ftpaccess} files from the jail root down to the directory of the path, each as a
     * context as specific as its directory (and a little more than a {@code <Directory>} of the same
     * path), unless AllowOverride is off there.
     */
    private List<Match> ftpAccess(Path target, List<ContextNode> staticChain) {
        Path root = paths.jailRoot();
        Path dir = paths.ftpAccess().isDirectory(target) ? target : target.getParent();
        if (dir == null || !dir.startsWith(root)) {
            return List.of();
        }
        if (!allowOverride(staticChain)) {
            return List.of();
        }
        List<Match> found = new ArrayList<>();
        Path current = dir;
        while (current != null && current.startsWith(root)) {
            ContextNode node = paths.ftpAccess().read(current);
            if (node != null) {
                found.add(new Match(node, current.toString().length() * 2 + 1));
            }
            if (current.equals(root)) {
                break;
            }
            current = current.getParent();
        }
        return found;
    }

    private static boolean allowOverride(List<ContextNode> staticChain) {
        for (ContextNode node : staticChain) {
            List<DirectiveEntry> e = node.directives(CoreDirectives.ALLOW_OVERRIDE.name());
            if (!e.isEmpty()) {
                return e.get(0).value(CoreDirectives.ALLOW_OVERRIDE);
            }
        }
        return CoreDirectives.ALLOW_OVERRIDE.defaultValue();
    }

    private record Match(ContextNode node, int specificity) {
    }

    private static final Comparator<Match> CLOSEST_FIRST = Comparator.comparingInt(Match::specificity).reversed();

    private void collect(List<ContextNode> directories, String path, List<Match> into) {
        for (ContextNode d : directories) {
            String pattern = expand(d.args().get(0));
            if (pattern != null && matches(pattern, path)) {
                into.add(new Match(d, specificity(pattern) * 2));
            }
            collect(d.directories(), path, into);
        }
    }

    /**
     * How close a matching pattern is: the length of the directory it names, so {@code /data/*}
     * (below {@code /data}) is farther than {@code /data/x} although both strings are as long.
     */
    private static int specificity(String pattern) {
        String p = pattern.length() > 1 && pattern.endsWith("/") ? pattern.substring(0, pattern.length() - 1) : pattern;
        return p.endsWith("/*") ? p.length() - 2 : p.length();
    }

    /** {@code ~}, {@code ~/x}, {@code ~user/x} and, inside {@code <Anonymous>}, relative paths. */
    private String expand(String pattern) {
        if (pattern.startsWith("~")) {
            int slash = pattern.indexOf('/');
            String user = slash < 0 ? pattern.substring(1) : pattern.substring(1, slash);
            String home = user.isEmpty() ? paths.home() : paths.homes().apply(user);
            if (home == null) {
                return null;
            }
            if (slash < 0) {
                return home;
            }
            String base = home;
            while (base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            return base + pattern.substring(slash);
        }
        if (!pattern.startsWith("/") && !pattern.equals("*")) {
            return paths.anonRoot() == null ? null : paths.anonRoot() + "/" + pattern;
        }
        if (pattern.equals("*") && paths.anonRoot() != null && anonymous != null) {
            return paths.anonRoot();
        }
        return pattern;
    }

    /** ProFTPD's {@code <Directory>} matching: the directory and everything below; {@code /x/*} only below. */
    static boolean matches(String pattern, String path) {
        if (pattern.equals("*") || pattern.equals("/*")) {
            return true;
        }
        String p = pattern.length() > 1 && pattern.endsWith("/") ? pattern.substring(0, pattern.length() - 1) : pattern;
        boolean onlyBelow = p.endsWith("/*");
        if (onlyBelow) {
            p = p.substring(0, p.length() - 2);
            if (p.isEmpty()) {
                return !path.equals("/");
            }
        }
        if (!isGlob(p)) {
            if (p.equals("/")) {
                return !onlyBelow || !path.equals("/");
            }
            if (path.equals(p)) {
                return !onlyBelow;
            }
            return path.startsWith(p + "/");
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + p);
        Path candidate = Path.of(path);
        boolean self = true;
        while (candidate != null) {
            if (matcher.matches(candidate)) {
                return !(onlyBelow && self);
            }
            candidate = candidate.getParent();
            self = false;
        }
        return false;
    }

    private static boolean isGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
    }
}

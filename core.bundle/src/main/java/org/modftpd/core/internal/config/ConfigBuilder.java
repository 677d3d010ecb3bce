package org.modftpd.core.internal.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.modftpd.api.ContextKind;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.core.internal.dispatch.ModuleTable;
import org.modftpd.core.internal.modules.CoreDirectives;

/**
 * Checks a parse tree against the directives and sections of the modules present and builds a
 * {@link Configuration}. Every problem is reported with file and line; one problem fails the build.
 */
public final class ConfigBuilder {

    private static final Set<ContextKind> ANON_PARENTS =
            EnumSet.of(ContextKind.SERVER, ContextKind.VIRTUAL_HOST, ContextKind.GLOBAL);
    private static final Set<ContextKind> DIRECTORY_PARENTS = EnumSet.of(ContextKind.SERVER,
            ContextKind.VIRTUAL_HOST, ContextKind.GLOBAL, ContextKind.ANONYMOUS, ContextKind.DIRECTORY);
    private static final Set<ContextKind> LIMIT_PARENTS = EnumSet.of(ContextKind.SERVER, ContextKind.VIRTUAL_HOST,
            ContextKind.GLOBAL, ContextKind.ANONYMOUS, ContextKind.DIRECTORY, ContextKind.FTPACCESS);
    private static final Set<ContextKind> CLASS_PARENTS = EnumSet.of(ContextKind.SERVER, ContextKind.GLOBAL);

    private final ModuleTable modules;
    private final Consumer<String> notices;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> noticed = new HashSet<>();

    private ConfigBuilder(ModuleTable modules, Consumer<String> notices) {
        this.modules = modules;
        this.notices = notices;
    }

    /**
     * Builds a configuration.
     *
     * @param notices receives one line per daemon-only directive that has no effect here
     */
    public static Configuration build(Node.Section source, String origin, ModuleTable modules, long generation,
            Consumer<String> notices) throws ConfigException {
        return new ConfigBuilder(modules, notices).run(source, origin, generation);
    }

    /** Validates the contents of a {@code .ftpaccess} file as a context of its own. */
    public static ContextNode buildFtpAccess(Node.Section source, ModuleTable modules) throws ConfigException {
        ConfigBuilder b = new ConfigBuilder(modules, n -> { });
        ContextNode.Builder node = new ContextNode.Builder(ContextKind.FTPACCESS, ".ftpaccess", List.of(),
                source.location());
        b.walk(source.children(), node, ContextKind.FTPACCESS, null, null);
        if (!b.problems.isEmpty()) {
            throw new ConfigException(b.problems);
        }
        return node.build();
    }

    private Configuration run(Node.Section source, String origin, long generation) throws ConfigException {
        ContextNode.Builder main = new ContextNode.Builder(ContextKind.SERVER, "", List.of(), source.location());
        ContextNode.Builder global = new ContextNode.Builder(ContextKind.GLOBAL, "Global", List.of(), null);
        List<ContextNode.Builder> vhosts = new ArrayList<>();
        walk(source.children(), main, ContextKind.SERVER, global, vhosts);

        List<ContextNode> classes = new ArrayList<>();
        main.classes.forEach(c -> classes.add(c.build()));
        global.classes.forEach(c -> classes.add(c.build()));
        main.classes.clear();
        global.classes.clear();

        List<ServerConfig> servers = new ArrayList<>();
        main.appendFrom(global);
        ContextNode mainNode = main.build();
        servers.add(new ServerConfig(mainNode, addresses(mainNode, CoreDirectives.DEFAULT_ADDRESS.name()),
                port(mainNode), true));
        for (ContextNode.Builder v : vhosts) {
            v.appendFrom(global);
            ContextNode node = v.build();
            List<InetAddress> addrs = resolve(node.args(), node.location());
            servers.add(new ServerConfig(node, addrs, port(node), false));
        }
        checkAnonymous(servers);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        Set<String> loaded = new LinkedHashSet<>(modules.moduleNames());
        return new Configuration(source, origin, servers, classes, loaded, generation);
    }

    private void checkAnonymous(List<ServerConfig> servers) {
        Set<Location> reported = new HashSet<>();
        for (ServerConfig s : servers) {
            for (ContextNode anon : s.node().anonymous()) {
                // an <Anonymous> in <Global> reaches every server but is one section of the file
                if (anon.directives(CoreDirectives.USER.name()).isEmpty() && reported.add(anon.location())) {
                    problems.add(anon.location() + ": <Anonymous> needs a User directive");
                }
            }
        }
    }

    private int port(ContextNode node) {
        List<DirectiveEntry> p = node.directives(CoreDirectives.PORT.name());
        return p.isEmpty() ? CoreDirectives.PORT.defaultValue().intValue() : p.get(0).value(CoreDirectives.PORT).intValue();
    }

    private List<InetAddress> addresses(ContextNode node, String directive) {
        List<DirectiveEntry> d = node.directives(directive);
        if (d.isEmpty()) {
            return List.of();
        }
        return resolve(d.get(0).args(), d.get(0).location());
    }

    private List<InetAddress> resolve(List<String> names, Location at) {
        List<InetAddress> result = new ArrayList<>();
        for (String name : names) {
            try {
                result.add(InetAddress.getByName(name));
            } catch (UnknownHostException e) {
                problems.add(at + ": unable to resolve address '" + name + "'");
            }
        }
        return result;
    }

    /**
     * Validates the nodes of one context.
     *
     * @param kind   the kind directives are checked against (the enclosing context for transparent sections)
     * @param global where {@code <Global>} contents go (only at server level)
     * @param vhosts where {@code <VirtualHost>} contexts go (only at server level)
     */
    private void walk(List<Node> nodes, ContextNode.Builder into, ContextKind kind, ContextNode.Builder global,
            List<ContextNode.Builder> vhosts) {
        for (Node node : nodes) {
            switch (node) {
                case Node.Directive d -> directive(d, into, kind);
                case Node.Section s -> section(s, into, kind, global, vhosts);
            }
        }
    }

    private void directive(Node.Directive d, ContextNode.Builder into, ContextKind kind) {
        if (d.name().equals("Include")) {
            // the parser leaves an Include here only when its file was missing inside <IfModule>
            problems.add(d.location() + ": Include " + String.join(" ", d.args()) + ": No such file or directory");
            return;
        }
        ModuleTable.DirectiveBinding binding = modules.directive(d.name());
        if (binding == null) {
            String provider = KnownDirectives.providerOf(d.name());
            problems.add(d.location() + ": " + (provider == null
                    ? "unknown configuration directive '" + d.name() + "'"
                    : "directive '" + d.name() + "' is provided by " + provider + ", which is not loaded"));
            return;
        }
        DirectiveSpec<?> spec = binding.spec();
        if (!spec.contexts().contains(kind)) {
            problems.add(d.location() + ": " + spec.name() + " is not allowed in " + describe(kind) + " context");
            return;
        }
        try {
            spec.parse(d.args());
        } catch (IllegalArgumentException e) {
            problems.add(d.location() + ": " + spec.name() + ": " + e.getMessage());
            return;
        }
        if (isDaemonOnly(spec.name(), kind) && noticed.add(spec.name().toLowerCase(Locale.ROOT))) {
            notices.accept(d.location() + ": " + spec.name()
                    + " has no effect in modftpd (one JVM serves every session); ignored");
        }
        into.add(new DirectiveEntry(spec.name(), d.args(), d.location()));
    }

    private static boolean isDaemonOnly(String name, ContextKind kind) {
        if (name.equals(CoreDirectives.USER.name()) || name.equals(CoreDirectives.GROUP.name())) {
            return kind != ContextKind.ANONYMOUS;
        }
        return CoreDirectives.DAEMON_ONLY.contains(name);
    }

    private void section(Node.Section s, ContextNode.Builder into, ContextKind kind, ContextNode.Builder global,
            List<ContextNode.Builder> vhosts) {
        String name = s.name().toLowerCase(Locale.ROOT);
        switch (name) {
            case "ifmodule" -> {
                if (s.args().size() != 1) {
                    problems.add(s.location() + ": <IfModule> takes one module name");
                    return;
                }
                String module = s.args().get(0);
                boolean negated = module.startsWith("!");
                if (negated) {
                    module = module.substring(1);
                }
                if (!module.endsWith(".c")) {
                    module = module + ".c";
                }
                if (modules.loaded(module) != negated) {
                    walk(s.children(), into, kind, global, vhosts);
                }
            }
            case "global" -> {
                if (kind != ContextKind.SERVER || global == null) {
                    problems.add(s.location() + ": <Global> is only allowed in the server config");
                    return;
                }
                walk(s.children(), global, ContextKind.GLOBAL, null, null);
            }
            case "virtualhost" -> {
                if (kind != ContextKind.SERVER || vhosts == null) {
                    problems.add(s.location() + ": <VirtualHost> is only allowed in the server config");
                    return;
                }
                if (s.args().isEmpty()) {
                    problems.add(s.location() + ": <VirtualHost> needs at least one address");
                    return;
                }
                ContextNode.Builder v = new ContextNode.Builder(ContextKind.VIRTUAL_HOST, "VirtualHost", s.args(),
                        s.location());
                walk(s.children(), v, ContextKind.VIRTUAL_HOST, null, null);
                vhosts.add(v);
            }
            case "anonymous" -> {
                if (!ANON_PARENTS.contains(kind)) {
                    problems.add(s.location() + ": <Anonymous> is not allowed in " + describe(kind) + " context");
                    return;
                }
                if (s.args().size() != 1) {
                    problems.add(s.location() + ": <Anonymous> takes one directory");
                    return;
                }
                ContextNode.Builder a = new ContextNode.Builder(ContextKind.ANONYMOUS, "Anonymous", s.args(),
                        s.location());
                walk(s.children(), a, ContextKind.ANONYMOUS, null, null);
                into.anonymous.add(a);
            }
            case "directory" -> {
                if (!DIRECTORY_PARENTS.contains(kind)) {
                    problems.add(s.location() + ": <Directory> is not allowed in " + describe(kind) + " context");
                    return;
                }
                if (s.args().size() != 1) {
                    problems.add(s.location() + ": <Directory> takes one path");
                    return;
                }
                String path = s.args().get(0);
                if (!path.startsWith("/") && !path.startsWith("~") && !path.equals("*")
                        && kind != ContextKind.ANONYMOUS) {
                    problems.add(s.location() + ": <Directory " + path + ">: relative paths are not allowed");
                    return;
                }
                ContextNode.Builder d = new ContextNode.Builder(ContextKind.DIRECTORY, "Directory", s.args(),
                        s.location());
                walk(s.children(), d, ContextKind.DIRECTORY, null, null);
                into.directories.add(d);
            }
            case "limit" -> {
                if (!LIMIT_PARENTS.contains(kind)) {
                    problems.add(s.location() + ": <Limit> is not allowed in " + describe(kind) + " context");
                    return;
                }
                if (s.args().isEmpty()) {
                    problems.add(s.location() + ": <Limit> needs at least one command or command group");
                    return;
                }
                List<String> verbs = new ArrayList<>();
                for (String a : s.args()) {
                    for (String v : a.split(",")) {
                        if (!v.isBlank()) {
                            verbs.add(v.strip().toUpperCase(Locale.ROOT));
                        }
                    }
                }
                ContextNode.Builder l = new ContextNode.Builder(ContextKind.LIMIT, "Limit", verbs, s.location());
                walk(s.children(), l, ContextKind.LIMIT, null, null);
                into.limits.add(l);
            }
            case "class" -> {
                if (!CLASS_PARENTS.contains(kind)) {
                    problems.add(s.location() + ": <Class> is only allowed in the server config or <Global>");
                    return;
                }
                if (s.args().size() != 1) {
                    problems.add(s.location() + ": <Class> takes one name");
                    return;
                }
                ContextNode.Builder c = new ContextNode.Builder(ContextKind.CLASS, "Class", s.args(), s.location());
                walk(s.children(), c, ContextKind.CLASS, null, null);
                into.classes.add(c);
            }
            default -> moduleSection(s, into, kind);
        }
    }

    private void moduleSection(Node.Section s, ContextNode.Builder into, ContextKind kind) {
        ModuleTable.SectionBinding binding = modules.section(s.name());
        if (binding == null) {
            String provider = KnownDirectives.providerOf("<" + s.name() + ">");
            problems.add(s.location() + ": " + (provider == null
                    ? "unknown configuration section <" + s.name() + ">"
                    : "section <" + s.name() + "> is provided by " + provider + ", which is not loaded"));
            return;
        }
        if (!binding.spec().contexts().contains(kind)) {
            problems.add(s.location() + ": <" + binding.spec().name() + "> is not allowed in " + describe(kind)
                    + " context");
            return;
        }
        if (s.args().size() < binding.spec().minArgs()) {
            problems.add(s.location() + ": <" + binding.spec().name() + "> needs at least "
                    + binding.spec().minArgs() + " parameter" + (binding.spec().minArgs() == 1 ? "" : "s"));
            return;
        }
        ContextNode.Builder contents = new ContextNode.Builder(kind, binding.spec().name(), s.args(), s.location());
        walk(s.children(), contents, kind, null, null);
        into.addModuleSection(new ModuleSection(binding.spec().name(), s.args(), s.location(), contents.build()));
    }

    static String describe(ContextKind kind) {
        return switch (kind) {
            case SERVER -> "server config";
            case VIRTUAL_HOST -> "<VirtualHost>";
            case GLOBAL -> "<Global>";
            case ANONYMOUS -> "<Anonymous>";
            case DIRECTORY -> "<Directory>";
            case LIMIT -> "<Limit>";
            case FTPACCESS -> ".ftpaccess";
            case CLASS -> "<Class>";
        };
    }
}

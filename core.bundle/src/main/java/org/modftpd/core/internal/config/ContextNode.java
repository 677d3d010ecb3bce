package org.modftpd.core.internal.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.modftpd.api.ContextKind;

/**
 * One configuration context after validation: the server, a virtual host, an anonymous site, a
 * directory, a limit, a class, or the contents of a module section. Immutable once built.
 */
public final class ContextNode {
    private final ContextKind kind;
    private final String sectionName;
    private final List<String> args;
    private final Location location;
    private final Map<String, List<DirectiveEntry>> directives;
    private final List<ContextNode> anonymous;
    private final List<ContextNode> directories;
    private final List<ContextNode> limits;
    private final List<ContextNode> classes;
    private final Map<String, List<ModuleSection>> moduleSections;

    private ContextNode(Builder b) {
        this.kind = b.kind;
        this.sectionName = b.sectionName;
        this.args = List.copyOf(b.args);
        this.location = b.location;
        Map<String, List<DirectiveEntry>> d = new LinkedHashMap<>();
        b.directives.forEach((k, v) -> d.put(k, List.copyOf(v)));
        this.directives = Collections.unmodifiableMap(d);
        this.anonymous = b.anonymous.stream().map(Builder::build).toList();
        this.directories = b.directories.stream().map(Builder::build).toList();
        this.limits = b.limits.stream().map(Builder::build).toList();
        this.classes = b.classes.stream().map(Builder::build).toList();
        Map<String, List<ModuleSection>> m = new LinkedHashMap<>();
        b.moduleSections.forEach((k, v) -> m.put(k, List.copyOf(v)));
        this.moduleSections = Collections.unmodifiableMap(m);
    }

    /** Lower-case names already asked for: a lookup is a map get, not a new string. Bounded. */
    private static final Map<String, String> KEYS = new ConcurrentHashMap<>();
    private static final int MAX_KEYS = 4096;

    public static String key(String directiveName) {
        String key = KEYS.get(directiveName);
        if (key == null) {
            key = directiveName.toLowerCase(Locale.ROOT);
            if (KEYS.size() < MAX_KEYS) {
                KEYS.put(directiveName, key);
            }
        }
        return key;
    }

    public ContextKind kind() {
        return kind;
    }

    public String sectionName() {
        return sectionName;
    }

    public List<String> args() {
        return args;
    }

    public Location location() {
        return location;
    }

    /** Instances of a directive at this level, in file order. */
    public List<DirectiveEntry> directives(String name) {
        return directives.getOrDefault(key(name), List.of());
    }

    public Map<String, List<DirectiveEntry>> allDirectives() {
        return directives;
    }

    public List<ContextNode> anonymous() {
        return anonymous;
    }

    public List<ContextNode> directories() {
        return directories;
    }

    public List<ContextNode> limits() {
        return limits;
    }

    public List<ContextNode> classes() {
        return classes;
    }

    public List<ModuleSection> moduleSections(String name) {
        return moduleSections.getOrDefault(key(name), List.of());
    }

    public Map<String, List<ModuleSection>> allModuleSections() {
        return moduleSections;
    }

    /** A builder seeded with this node's contents, for overlays. */
    public Builder toBuilder() {
        Builder b = new Builder(kind, sectionName, args, location);
        directives.forEach((k, v) -> b.directives.put(k, new ArrayList<>(v)));
        anonymous.forEach(n -> b.anonymous.add(n.toBuilder()));
        directories.forEach(n -> b.directories.add(n.toBuilder()));
        limits.forEach(n -> b.limits.add(n.toBuilder()));
        classes.forEach(n -> b.classes.add(n.toBuilder()));
        moduleSections.forEach((k, v) -> b.moduleSections.put(k, new ArrayList<>(v)));
        return b;
    }

    @Override
    public String toString() {
        return (sectionName.isEmpty() ? "server config" : "<" + sectionName + " " + String.join(" ", args) + ">")
                + (location == null ? "" : " at " + location);
    }

    /** Mutable form used while the configuration is being built. */
    public static final class Builder {
        final ContextKind kind;
        final String sectionName;
        final List<String> args;
        final Location location;
        final Map<String, List<DirectiveEntry>> directives = new LinkedHashMap<>();
        final List<Builder> anonymous = new ArrayList<>();
        final List<Builder> directories = new ArrayList<>();
        final List<Builder> limits = new ArrayList<>();
        final List<Builder> classes = new ArrayList<>();
        final Map<String, List<ModuleSection>> moduleSections = new LinkedHashMap<>();

        public Builder(ContextKind kind, String sectionName, List<String> args, Location location) {
            this.kind = kind;
            this.sectionName = sectionName;
            this.args = List.copyOf(args);
            this.location = location;
        }

        public void add(DirectiveEntry entry) {
            directives.computeIfAbsent(key(entry.name()), k -> new ArrayList<>()).add(entry);
        }

        /** Puts an entry first, so it wins over instances already present (overlays). */
        public void replace(DirectiveEntry entry, boolean keepOthers) {
            List<DirectiveEntry> list = directives.computeIfAbsent(key(entry.name()), k -> new ArrayList<>());
            if (!keepOthers) {
                list.clear();
            }
            list.add(0, entry);
        }

        public void addModuleSection(ModuleSection section) {
            moduleSections.computeIfAbsent(key(section.name()), k -> new ArrayList<>()).add(section);
        }

        /** Appends another context's contents after this one's own (how {@code <Global>} reaches a server). */
        public void appendFrom(Builder other) {
            other.directives.forEach((k, v) -> directives.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
            anonymous.addAll(other.anonymous);
            directories.addAll(other.directories);
            limits.addAll(other.limits);
            classes.addAll(other.classes);
            other.moduleSections.forEach((k, v) -> moduleSections.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        }

        /**
         * Takes the sections of an overlay: a {@code <Directory>} of the same path replaces the one
         * here, {@code <Limit>} sections go first, anonymous sites are added.
         */
        public void overlaySections(ContextNode overlay) {
            for (ContextNode d : overlay.directories()) {
                directories.removeIf(existing -> existing.args.equals(d.args()));
                directories.add(d.toBuilder());
            }
            List<Builder> newLimits = new ArrayList<>();
            overlay.limits().forEach(l -> newLimits.add(l.toBuilder()));
            limits.addAll(0, newLimits);
            overlay.anonymous().forEach(a -> anonymous.add(a.toBuilder()));
        }

        public ContextKind kind() {
            return kind;
        }

        public ContextNode build() {
            return new ContextNode(this);
        }
    }
}

package org.modftpd.core.internal.dispatch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.spi.CommandSpec;
import org.modftpd.spi.Phase;
import org.modftpd.spi.SectionSpec;

/**
 * An immutable snapshot of the modules present: their directives, sections and command handlers in
 * dispatch order. A new table is built whenever a module arrives or leaves; each command uses the
 * table that was current when it started.
 */
public final class ModuleTable {

    /** A directive and the module that owns it. */
    public record DirectiveBinding(DirectiveSpec<?> spec, ModuleEntry module) {
    }

    /** A section and the module that owns it. */
    public record SectionBinding(SectionSpec spec, ModuleEntry module) {
    }

    /** A command handler and its module. */
    public record HandlerBinding(CommandSpec spec, ModuleEntry module) {
    }

    public static final ModuleTable EMPTY = of(List.of(), problem -> { });

    private static final Comparator<ModuleEntry> DISPATCH_ORDER =
            Comparator.comparingInt(ModuleEntry::priority).reversed().thenComparing(ModuleEntry::name);

    private final List<ModuleEntry> modules;
    private final Map<String, ModuleEntry> byName;
    private final Map<String, DirectiveBinding> directives;
    private final Map<String, SectionBinding> sections;
    private final Map<Phase, Map<String, List<HandlerBinding>>> handlers;
    private final Map<String, HandlerBinding> primary;

    private ModuleTable(List<ModuleEntry> modules, Consumer<String> problems) {
        this.modules = List.copyOf(modules);
        Map<String, ModuleEntry> names = new LinkedHashMap<>();
        Map<String, DirectiveBinding> dirs = new HashMap<>();
        Map<String, SectionBinding> secs = new HashMap<>();
        Map<Phase, Map<String, List<HandlerBinding>>> hs = new EnumMap<>(Phase.class);
        Map<String, HandlerBinding> prim = new HashMap<>();
        for (ModuleEntry m : this.modules) {
            names.put(m.name(), m);
            for (DirectiveSpec<?> d : m.directives()) {
                DirectiveBinding existing = dirs.putIfAbsent(key(d.name()), new DirectiveBinding(d, m));
                if (existing != null) {
                    problems.accept("directive " + d.name() + " of " + m.name() + " is already provided by "
                            + existing.module().name() + "; " + m.name() + "'s is ignored");
                }
            }
            for (SectionSpec s : m.sections()) {
                SectionBinding existing = secs.putIfAbsent(key(s.name()), new SectionBinding(s, m));
                if (existing != null) {
                    problems.accept("section <" + s.name() + "> of " + m.name() + " is already provided by "
                            + existing.module().name());
                }
            }
            for (CommandSpec c : m.commands()) {
                HandlerBinding binding = new HandlerBinding(c, m);
                hs.computeIfAbsent(c.phase(), p -> new HashMap<>())
                        .computeIfAbsent(c.verb(), v -> new ArrayList<>()).add(binding);
                if (c.phase() == Phase.CMD && !c.verb().equals(CommandSpec.ANY)) {
                    prim.putIfAbsent(c.verb(), binding);
                }
            }
        }
        Map<Phase, Map<String, List<HandlerBinding>>> frozen = new EnumMap<>(Phase.class);
        hs.forEach((phase, byVerb) -> {
            Map<String, List<HandlerBinding>> f = new HashMap<>();
            byVerb.forEach((verb, list) -> f.put(verb, List.copyOf(list)));
            frozen.put(phase, Map.copyOf(f));
        });
        this.byName = Map.copyOf(names);
        this.directives = Map.copyOf(dirs);
        this.sections = Map.copyOf(secs);
        this.handlers = frozen;
        this.primary = Map.copyOf(prim);
    }

    /**
     * Builds a table; modules with a name already taken are left out and reported.
     *
     * @param problems receives one message per conflict
     */
    public static ModuleTable of(Collection<ModuleEntry> entries, Consumer<String> problems) {
        List<ModuleEntry> sorted = new ArrayList<>(entries);
        sorted.sort(DISPATCH_ORDER);
        List<ModuleEntry> unique = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (ModuleEntry m : sorted) {
            if (seen.add(m.name())) {
                unique.add(m);
            } else {
                problems.accept("a second module named " + m.name() + " (" + m.origin() + ") is ignored");
            }
        }
        return new ModuleTable(unique, problems);
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** Modules in dispatch order (highest priority first). */
    public List<ModuleEntry> modules() {
        return modules;
    }

    public boolean loaded(String moduleName) {
        return byName.containsKey(moduleName);
    }

    public ModuleEntry module(String moduleName) {
        return byName.get(moduleName);
    }

    public Set<String> moduleNames() {
        return byName.keySet();
    }

    public DirectiveBinding directive(String name) {
        return directives.get(key(name));
    }

    public SectionBinding section(String name) {
        return sections.get(key(name));
    }

    /** Handlers of one phase: the {@code *} ones first, then those for the verb, each in dispatch order. */
    public List<HandlerBinding> handlers(Phase phase, String verb) {
        Map<String, List<HandlerBinding>> byVerb = handlers.get(phase);
        if (byVerb == null) {
            return List.of();
        }
        List<HandlerBinding> any = byVerb.getOrDefault(CommandSpec.ANY, List.of());
        List<HandlerBinding> named = byVerb.getOrDefault(verb, List.of());
        if (any.isEmpty()) {
            return named;
        }
        if (named.isEmpty()) {
            return any;
        }
        List<HandlerBinding> both = new ArrayList<>(any.size() + named.size());
        both.addAll(any);
        both.addAll(named);
        return both;
    }

    /** The first CMD-phase entry for a verb: its group, class, login requirement and HELP text. */
    public HandlerBinding command(String verb) {
        return primary.get(verb);
    }

    /** Every verb with a CMD handler and a HELP syntax, sorted. */
    public Map<String, String> helpEntries() {
        return primary.entrySet().stream()
                .filter(e -> e.getValue().spec().helpSyntax() != null)
                .sorted(Map.Entry.comparingByKey())
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().spec().helpSyntax(),
                        (a, b) -> a, LinkedHashMap::new));
    }

    /** The directives each module owns, for listings. */
    public List<String> directivesOf(ModuleEntry m) {
        return m.directives().stream().map(DirectiveSpec::name).sorted().toList();
    }
}

package org.modftpd.mod_ifsession;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.modftpd.api.Command;
import org.modftpd.api.Command.Outcome;
import org.modftpd.api.ConfigSection;
import org.modftpd.api.ContextKind;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.api.Identity;
import org.modftpd.api.NameExpression;
import org.modftpd.api.Session;
import org.modftpd.spi.CommandSpec;
import org.modftpd.spi.FtpModule;
import org.modftpd.spi.ModulePriority;
import org.modftpd.spi.Phase;
import org.modftpd.spi.SectionSpec;
import org.modftpd.spi.SessionHooks;
import org.osgi.service.component.annotations.Component;

/**
 * mod_ifsession.c: configuration that applies per client class, user and group. {@code <IfClass>}
 * sections merge when the client connects; {@code <IfAuthenticated>}, then {@code <IfGroup>}, then
 * {@code <IfUser>} merge after a successful PASS (so a user's settings beat its group's), before
 * mod_auth applies the Max* limits and sends DisplayLogin and the 230 line. The module has the
 * highest priority, as ProFTPD always loads it last.
 */
@Component(service = FtpModule.class)
public final class IfSessionModule implements FtpModule {

    static final String IF_CLASS = "IfClass";
    static final String IF_USER = "IfUser";
    static final String IF_GROUP = "IfGroup";
    static final String IF_AUTHENTICATED = "IfAuthenticated";

    /** Session note: the sections already merged into this session ({@code file:line} of each). */
    static final String MERGED_NOTE = "mod_ifsession.merged";
    static final String MERGED_BEFORE_USER_NOTE = "mod_ifsession.merged-before-user";

    static final DirectiveSpec<Boolean> IF_SESSION_OPTIONS = DirectiveSpec.builder("IfSessionOptions", args -> {
        for (String a : args) {
            if (!a.equalsIgnoreCase("PerUnauthenticatedUser")) {
                throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        return Boolean.TRUE;
    }).args(1, 1).defaultValue(false).build();

    @Override
    public String name() {
        return "mod_ifsession.c";
    }

    @Override
    public int priority() {
        return ModulePriority.LAST;
    }

    @Override
    public List<DirectiveSpec<?>> directives() {
        return List.of(IF_SESSION_OPTIONS);
    }

    @Override
    public List<SectionSpec> sections() {
        Set<ContextKind> where = DirectiveSpec.SERVER_CONTEXTS;
        return List.of(new SectionSpec(IF_CLASS, where, 1), new SectionSpec(IF_USER, where, 1),
                new SectionSpec(IF_GROUP, where, 1), new SectionSpec(IF_AUTHENTICATED, where, 0));
    }

    @Override
    public List<CommandSpec> commands() {
        return List.of(CommandSpec.of(Phase.POST_CMD, "PASS", this::afterLogin),
                CommandSpec.of(Phase.POST_CMD, "USER", this::afterUser));
    }

    @Override
    public Optional<SessionHooks> sessionHooks() {
        return Optional.of(new SessionHooks() {
            @Override
            public void connected(Session session) {
                String cls = session.connectionClass().orElse(null);
                merge(session, IF_CLASS, cls == null ? List.of() : List.of(cls), false);
            }
        });
    }

    /** POST_CMD PASS: merge, then make sure {@code <Limit LOGIN>} still lets the user in. */
    private Outcome afterLogin(Command c) {
        Session s = c.session();
        Optional<Identity> id = s.identity();
        if (id.isEmpty()) {
            return Outcome.DECLINED;
        }
        boolean merged = merge(s, IF_AUTHENTICATED, List.of(), false);
        merged |= merge(s, IF_GROUP, id.get().groupNames(), true);
        merged |= merge(s, IF_USER, List.of(id.get().name()), false);
        if (merged && !s.allowed("LOGIN", null)) {
            s.log().notice((id.get().anonymous() ? "ANON " : "USER ") + id.get().name()
                    + ": Limit access denies login.");
            s.send(530, "Login incorrect.");
            s.close();
        }
        return Outcome.DECLINED;
    }

    /** POST_CMD USER with {@code IfSessionOptions PerUnauthenticatedUser}: user and group sections early. */
    private Outcome afterUser(Command c) {
        Session s = c.session();
        if (!s.config().value(IF_SESSION_OPTIONS) || s.identity().isPresent() || s.requestedUser().isEmpty()) {
            return Outcome.DECLINED;
        }
        String user = s.requestedUser().get();
        Optional<Identity> id = s.lookup(user);
        if (id.isEmpty()) {
            return Outcome.DECLINED;
        }
        s.notes().put("mod_ifsession.per-unauthenticated-user", user);
        // the core has taken back the previous USER's merges: forget them here too
        Object base = s.notes().computeIfAbsent(MERGED_BEFORE_USER_NOTE, k -> List.copyOf(merged(s)));
        s.notes().put(MERGED_NOTE, base);
        merge(s, IF_GROUP, id.get().groupNames(), true);
        merge(s, IF_USER, List.of(id.get().name()), false);
        return Outcome.DECLINED;
    }

    /** Merges the sections of one kind whose expression matches; returns whether any did. */
    private static boolean merge(Session s, String kind, List<String> candidates, boolean andByDefault) {
        List<ConfigSection> matching = new ArrayList<>();
        Set<String> merged = merged(s);
        for (ConfigSection section : s.config().sections(kind)) {
            if (merged.contains(section.location())) {
                continue;
            }
            if (kind.equals(IF_AUTHENTICATED) || matches(section.args(), candidates, andByDefault)) {
                matching.add(section);
                merged.add(section.location());
            }
        }
        if (matching.isEmpty()) {
            return false;
        }
        s.notes().put(MERGED_NOTE, List.copyOf(merged));
        s.applyOverlay(matching);
        s.log().debug("mod_ifsession: merged " + matching.size() + " <" + kind + "> section(s)");
        return true;
    }

    private static Set<String> merged(Session s) {
        Object v = s.notes().get(MERGED_NOTE);
        Set<String> set = new HashSet<>();
        if (v instanceof List<?> l) {
            for (Object o : l) {
                set.add(String.valueOf(o));
            }
        }
        return set;
    }

    private static boolean matches(List<String> args, List<String> candidates, boolean andByDefault) {
        return NameExpression.parse(args, andByDefault).matches(candidates);
    }

}

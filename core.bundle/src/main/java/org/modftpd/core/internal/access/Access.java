package org.modftpd.core.internal.access;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.modftpd.api.Identity;
import org.modftpd.core.internal.config.ConfigView;
import org.modftpd.core.internal.config.ContextNode;
import org.modftpd.core.internal.config.DirectiveEntry;
import org.modftpd.core.internal.modules.CoreDirectives;

/**
 * ProFTPD's {@code <Limit>} evaluation: from the closest context outward, the first section naming
 * the command that decides explicitly wins; then the same for the command's group (READ, WRITE,
 * DIRS); then for ALL. Inside a section, {@code Order allow,deny} (the default) allows when an allow
 * rule matches, denies when a deny rule matches, and otherwise lets outer contexts decide;
 * {@code Order deny,allow} denies unless an allow rule matches.
 */
public final class Access {

    /** What a section or a whole evaluation decided. */
    public enum Decision { ALLOW, DENY, UNDECIDED }

    /** Who is asking: enough of the session to evaluate the rules. */
    public record Who(String user, Identity identity, String connectionClass, InetAddress address, String hostName) {
    }

    /** Commands that {@code <Limit ALL>} does not cover. */
    private static final Set<String> NOT_IN_ALL = Set.of("LOGIN", "EPRT", "EPSV", "PASV", "PORT", "PROT", "OPTS");

    private Access() {
    }

    /** Whether the command is allowed at a path (or at the session's top level when {@code path} is null). */
    public static boolean allowed(ConfigView view, Path path, String verb, String group, Who who) {
        ConfigView at = path == null ? view : view.forPath(path);
        return decide(at.chain(), verb, group, who) != Decision.DENY;
    }

    /** The decision for a command along a chain of contexts (closest first). */
    public static Decision decide(List<ContextNode> chain, String verb, String group, Who who) {
        Decision d = decideFor(chain, verb, who);
        if (d == Decision.UNDECIDED && group != null && !group.isEmpty()) {
            d = decideFor(chain, group, who);
        }
        if (d == Decision.UNDECIDED && !NOT_IN_ALL.contains(verb)) {
            d = decideFor(chain, "ALL", who);
        }
        return d;
    }

    private static Decision decideFor(List<ContextNode> chain, String name, Who who) {
        for (ContextNode node : chain) {
            for (ContextNode limit : node.limits()) {
                if (!limit.args().contains(name)) {
                    continue;
                }
                Decision d = evaluate(limit, who);
                if (d != Decision.UNDECIDED) {
                    return d;
                }
            }
        }
        return Decision.UNDECIDED;
    }

    /** One {@code <Limit>} section. */
    public static Decision evaluate(ContextNode limit, Who who) {
        List<DirectiveEntry> order = limit.directives(CoreDirectives.ORDER.name());
        boolean allowFirst = order.isEmpty() || order.get(0).value(CoreDirectives.ORDER);
        if (allowFirst) {
            if (allows(limit, who)) {
                return Decision.ALLOW;
            }
            if (denies(limit, who)) {
                return Decision.DENY;
            }
            return Decision.UNDECIDED;
        }
        if (denies(limit, who)) {
            return Decision.DENY;
        }
        if (allows(limit, who)) {
            return Decision.ALLOW;
        }
        return Decision.DENY;
    }

    private static boolean allows(ContextNode limit, Who who) {
        return !limit.directives(CoreDirectives.ALLOW_ALL.name()).isEmpty()
                || anyUser(limit, CoreDirectives.ALLOW_USER.name(), who, true)
                || anyGroup(limit, CoreDirectives.ALLOW_GROUP.name(), who, true)
                || anyClass(limit, CoreDirectives.ALLOW_CLASS.name(), who)
                || anyAddress(limit, CoreDirectives.ALLOW.name(), who);
    }

    private static boolean denies(ContextNode limit, Who who) {
        return !limit.directives(CoreDirectives.DENY_ALL.name()).isEmpty()
                || anyUser(limit, CoreDirectives.DENY_USER.name(), who, false)
                || anyGroup(limit, CoreDirectives.DENY_GROUP.name(), who, false)
                || anyClass(limit, CoreDirectives.DENY_CLASS.name(), who)
                || anyAddress(limit, CoreDirectives.DENY.name(), who);
    }

    private static boolean anyUser(ContextNode limit, String directive, Who who, boolean allow) {
        for (DirectiveEntry e : limit.directives(directive)) {
            if (who.user() == null) {
                if (allow) {
                    return true;
                }
                continue;
            }
            if (org.modftpd.api.NameExpression.parse(e.args(), false).matches(List.of(who.user()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyGroup(ContextNode limit, String directive, Who who, boolean allow) {
        for (DirectiveEntry e : limit.directives(directive)) {
            if (who.identity() == null) {
                if (allow) {
                    return true;
                }
                continue;
            }
            if (org.modftpd.api.NameExpression.parse(e.args(), true).matches(who.identity().groupNames())) {
                return true;
            }
        }
        return false;
    }

    /** Class rules only apply to a client that has a class (ProFTPD skips them otherwise). */
    private static boolean anyClass(ContextNode limit, String directive, Who who) {
        if (who.connectionClass() == null) {
            return false;
        }
        for (DirectiveEntry e : limit.directives(directive)) {
            if (org.modftpd.api.NameExpression.parse(e.args(), false).matches(List.of(who.connectionClass()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * ProFTPD's {@code Allow from}/{@code Deny from} test: within one line every negated rule must
     * hold (the client is not in it) and at least one plain rule must match; several lines are
     * OR'd, but a negated rule that the client does match vetoes the whole directive.
     */
    private static boolean anyAddress(ContextNode limit, String directive, Who who) {
        boolean matched = false;
        for (DirectiveEntry e : limit.directives(directive)) {
            for (AddressPattern p : e.value(CoreDirectives.ALLOW)) {
                boolean hit = p.matchesPositive(who.address(), who.hostName());
                if (p.negated()) {
                    if (hit) {
                        return false;
                    }
                } else if (hit) {
                    matched = true;
                }
            }
        }
        return matched;
    }
}

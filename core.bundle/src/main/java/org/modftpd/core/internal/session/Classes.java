package org.modftpd.core.internal.session;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.modftpd.core.internal.access.AddressPattern;
import org.modftpd.core.internal.config.Configuration;
import org.modftpd.core.internal.config.ContextNode;
import org.modftpd.core.internal.config.DirectiveEntry;
import org.modftpd.core.internal.modules.CoreDirectives;

/** Finds a connection's {@code <Class>}: the first class, in definition order, whose rules it satisfies. */
final class Classes {

    private Classes() {
    }

    static String match(Configuration configuration, InetAddress client, String hostName) {
        for (ContextNode c : configuration.classes()) {
            if (matches(c, client, hostName)) {
                return c.args().get(0);
            }
        }
        return null;
    }

    static boolean matches(ContextNode cls, InetAddress client, String hostName) {
        List<AddressPattern> rules = new ArrayList<>();
        for (DirectiveEntry from : cls.directives(CoreDirectives.FROM.name())) {
            rules.addAll(from.value(CoreDirectives.FROM));
        }
        if (rules.isEmpty()) {
            return false;
        }
        List<DirectiveEntry> satisfy = cls.directives(CoreDirectives.SATISFY_ALL.name());
        boolean all = !satisfy.isEmpty() && satisfy.get(0).value(CoreDirectives.SATISFY_ALL);
        for (AddressPattern rule : rules) {
            boolean m = rule.matches(client, hostName);
            if (all && !m) {
                return false;
            }
            if (!all && m) {
                return true;
            }
        }
        return all;
    }
}

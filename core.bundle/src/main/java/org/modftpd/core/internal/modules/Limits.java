package org.modftpd.core.internal.modules;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.modftpd.api.Command;
import org.modftpd.api.Command.Outcome;
import org.modftpd.core.internal.access.Access;
import org.modftpd.core.internal.config.ContextNode;
import org.modftpd.core.internal.protocol.Addresses;
import org.modftpd.core.internal.session.SessionImpl;

/**
 * The connection limits of mod_auth: {@code <Limit LOGIN>} and MaxConnectionsPerHost at connect,
 * and MaxClientsPerClass, MaxClientsPerHost, MaxClientsPerUser, MaxHostsPerUser and MaxClients after
 * a successful PASS, counted over every session of the same server.
 */
final class Limits {

    private Limits() {
    }

    /** At connect: a client that can never log in, or one connection too many from a host, is sent away. */
    static void checkAtConnect(SessionImpl s) {
        if (!loginPossible(s)) {
            String ip = Addresses.text(s.remoteAddress().getAddress());
            s.log().notice("Connection from " + (s.remoteHostName() == null ? ip : s.remoteHostName()) + " [" + ip
                    + "] denied");
            s.close();
            return;
        }
        s.config().get(AccessDirectives.MAX_CONNECTIONS_PER_HOST).ifPresent(max -> {
            if (max.limit() <= 0) {
                return;
            }
            long here = count(s, other -> sameHost(other, s), false);
            if (here > max.limit()) {
                refuse(s, max.text("Sorry, the maximum number of connections (%m) for your host are already connected."),
                        "MaxConnectionsPerHost " + max.limit());
            }
        });
    }

    /**
     * Whether any {@code <Limit LOGIN>} lets this client log in: the server's sections, or those of an
     * {@code <Anonymous>} site that allow it explicitly.
     */
    private static boolean loginPossible(SessionImpl s) {
        Access.Who who = new Access.Who(null, null, s.connectionClass().orElse(null), s.remoteAddress().getAddress(),
                s.remoteHostName());
        ContextNode server = s.config().server();
        if (Access.decide(List.of(server), "LOGIN", "", who) != Access.Decision.DENY) {
            return true;
        }
        for (ContextNode anon : server.anonymous()) {
            if (Access.decide(List.of(anon, server), "LOGIN", "", who) == Access.Decision.ALLOW) {
                return true;
            }
        }
        return false;
    }

    /** POST_CMD PASS: the Max* limits, once the session knows who it is (after any overlay merged). */
    static Outcome checkAfterLogin(Command c) {
        SessionImpl s = (SessionImpl) c.session();
        if (s.identity().isEmpty() || s.closing()) {
            return Outcome.DECLINED;
        }
        String user = s.identity().get().name();
        String cls = s.connectionClass().orElse(null);
        if (cls != null) {
            for (AccessDirectives.ClassMax max : s.config().getAll(AccessDirectives.MAX_CLIENTS_PER_CLASS)) {
                if (!max.className().equals(cls)) {
                    continue;
                }
                if (max.limit() > 0 && count(s, o -> cls.equals(o.connectionClass().orElse(null)), true) > max.limit()) {
                    return refuse(s, max.message().orElse(
                            "Sorry, the maximum number of clients (%m) from your class are already connected.")
                            .replace("%m", Long.toString(max.limit())), "MaxClientsPerClass " + cls + " " + max.limit());
                }
                break;
            }
        }
        Optional<AccessDirectives.Max> perHost = s.config().get(AccessDirectives.MAX_CLIENTS_PER_HOST);
        if (perHost.isPresent() && perHost.get().limit() > 0
                && count(s, o -> sameHost(o, s), true) > perHost.get().limit()) {
            return refuse(s, perHost.get().text(
                    "Sorry, the maximum number of clients (%m) from your host are already connected."),
                    "MaxClientsPerHost " + perHost.get().limit());
        }
        Optional<AccessDirectives.Max> perUser = s.config().get(AccessDirectives.MAX_CLIENTS_PER_USER);
        if (perUser.isPresent() && perUser.get().limit() > 0
                && count(s, o -> o.identity().map(i -> i.name().equals(user)).orElse(false), true)
                > perUser.get().limit()) {
            return refuse(s, perUser.get().text(
                    "Sorry, the maximum number of clients (%m) for this user are already connected."),
                    "MaxClientsPerUser " + perUser.get().limit());
        }
        Optional<AccessDirectives.Max> hosts = s.config().get(AccessDirectives.MAX_HOSTS_PER_USER);
        if (hosts.isPresent() && hosts.get().limit() > 0) {
            Set<String> distinct = new HashSet<>();
            for (SessionImpl o : s.runtime().sessions()) {
                if (!o.closing() && sameServer(o, s) && o.identity().map(i -> i.name().equals(user)).orElse(false)) {
                    distinct.add(Addresses.text(o.remoteAddress().getAddress()));
                }
            }
            if (distinct.size() > hosts.get().limit()) {
                return refuse(s, hosts.get().text(
                        "Sorry, the maximum number of hosts (%m) for this user are already connected."),
                        "MaxHostsPerUser " + hosts.get().limit());
            }
        }
        Optional<AccessDirectives.Max> clients = s.config().get(AccessDirectives.MAX_CLIENTS);
        if (clients.isPresent() && clients.get().limit() > 0) {
            ContextNode anon = s.config().anonymous();
            boolean perAnon = anon != null && !anon.directives(AccessDirectives.MAX_CLIENTS.name()).isEmpty();
            Predicate<SessionImpl> same = perAnon ? o -> o.config() != null && o.config().anonymous() != null
                    && o.config().anonymous().args().equals(anon.args()) : o -> true;
            if (count(s, same, true) > clients.get().limit()) {
                return refuse(s, clients.get().text(
                        "Sorry, the maximum number of allowed clients (%m) are already connected."),
                        "MaxClients " + clients.get().limit());
            }
        }
        return Outcome.DECLINED;
    }

    private static Outcome refuse(SessionImpl s, String message, String what) {
        s.log().notice("Connection refused (" + what + ")");
        s.sendAndClose(530, message);
        return Outcome.DECLINED;
    }

    /** Sessions of the same server matching a condition (only logged-in ones when {@code authenticated}). */
    private static long count(SessionImpl s, Predicate<SessionImpl> condition, boolean authenticated) {
        long n = 0;
        for (SessionImpl o : s.runtime().sessions()) {
            if (o.closing() || !sameServer(o, s) || authenticated && o.identity().isEmpty()) {
                continue;
            }
            if (condition.test(o)) {
                n++;
            }
        }
        return n;
    }

    private static boolean sameServer(SessionImpl a, SessionImpl b) {
        return a.server() != null && b.server() != null && a.server().key().equals(b.server().key());
    }

    private static boolean sameHost(SessionImpl a, SessionImpl b) {
        return a.remoteAddress().getAddress().equals(b.remoteAddress().getAddress());
    }

}

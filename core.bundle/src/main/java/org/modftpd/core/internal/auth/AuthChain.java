package org.modftpd.core.internal.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.modftpd.api.GroupAccount;
import org.modftpd.api.Session;
import org.modftpd.api.UserAccount;
import org.modftpd.core.internal.config.ConfigView;
import org.modftpd.core.internal.dispatch.ModuleEntry;
import org.modftpd.core.internal.dispatch.ModuleTable;
import org.modftpd.core.internal.modules.CoreDirectives;
import org.modftpd.core.internal.modules.CoreDirectives.AuthOrderEntry;
import org.modftpd.spi.AuthAnswer;
import org.modftpd.spi.AuthProvider;
import org.modftpd.spi.AuthResult;

/**
 * The auth chain of ProFTPD: providers in {@code AuthOrder} order (or module priority order), the
 * first that finds a user owns it and alone checks its password, auth-only providers are asked
 * before it, and a provider marked {@code *} in AuthOrder is authoritative: its answer is final
 * even when it declines.
 */
public final class AuthChain {

    /** One provider in the order it is asked. */
    public record Link(ModuleEntry module, AuthProvider provider, boolean required) {
    }

    /** A user found by a provider. */
    public record Found(UserAccount user, Link owner) {
    }

    private final List<Link> links;

    private AuthChain(List<Link> links) {
        this.links = List.copyOf(links);
    }

    /** The chain in effect for a session's configuration. */
    public static AuthChain of(ModuleTable table, ConfigView view) {
        List<Link> links = new ArrayList<>();
        var order = view.get(CoreDirectives.AUTH_ORDER);
        if (order.isPresent()) {
            for (AuthOrderEntry e : order.get()) {
                ModuleEntry m = table.module(e.module());
                if (m != null && m.authProvider().isPresent()) {
                    links.add(new Link(m, m.authProvider().get(), e.required()));
                }
            }
        } else {
            for (ModuleEntry m : table.modules()) {
                m.authProvider().ifPresent(p -> links.add(new Link(m, p, false)));
            }
        }
        return new AuthChain(links);
    }

    public List<Link> links() {
        return links;
    }

    /** getpwnam: found (with its owner), not found, or an error from a backend. */
    public AuthAnswer<Found> findUser(Session session, String name) {
        for (Link link : links) {
            if (link.provider().authOnly()) {
                continue;
            }
            AuthAnswer<UserAccount> a = call(link, p -> p.findUser(session, name), AuthAnswer.declined());
            if (a.isFound()) {
                return AuthAnswer.found(new Found(a.value(), link));
            }
            if (a.isError()) {
                return AuthAnswer.error(link.module().name() + ": " + a.reason());
            }
            if (link.required()) {
                return AuthAnswer.declined();
            }
        }
        return AuthAnswer.declined();
    }

    /** Checks a password: the auth-only providers first, then the provider that found the user. */
    public AuthResult authenticate(Session session, Found found, String password) {
        for (Link link : links) {
            if (!link.provider().authOnly()) {
                continue;
            }
            AuthResult r = call(link, p -> p.authenticate(session, found.user(), password), AuthResult.DECLINED);
            if (r != AuthResult.DECLINED) {
                return r;
            }
            if (link.required()) {
                return AuthResult.BAD_PASSWORD;
            }
        }
        AuthResult r = call(found.owner(), p -> p.authenticate(session, found.user(), password),
                AuthResult.UNAVAILABLE);
        return r == AuthResult.DECLINED ? AuthResult.BAD_PASSWORD : r;
    }

    /** The user's groups: the owner's answer, else the first provider that knows them. */
    public List<GroupAccount> groups(Session session, Found found) {
        AuthAnswer<List<GroupAccount>> own = call(found.owner(), p -> p.groupsOf(session, found.user()),
                AuthAnswer.declined());
        if (own.isFound()) {
            return own.value();
        }
        for (Link link : links) {
            if (link == found.owner() || link.provider().authOnly()) {
                continue;
            }
            AuthAnswer<List<GroupAccount>> a = call(link, p -> p.groupsOf(session, found.user()),
                    AuthAnswer.declined());
            if (a.isFound()) {
                return a.value();
            }
            if (a.isError() || link.required()) {
                break;
            }
        }
        return List.of();
    }

    /** Calls a provider; one whose module has left since the chain was built answers {@code gone}. */
    private static <T> T call(Link link, Function<AuthProvider, T> f, T gone) {
        if (!link.module().tryEnter()) {
            return gone;
        }
        try {
            return f.apply(link.provider());
        } finally {
            link.module().exit();
        }
    }
}

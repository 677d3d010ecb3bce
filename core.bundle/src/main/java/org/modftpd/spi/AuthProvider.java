package org.modftpd.spi;

import java.util.List;
import org.modftpd.api.GroupAccount;
import org.modftpd.api.Session;
import org.modftpd.api.UserAccount;

/**
 * One link of the auth chain (ProFTPD's authtable). The server asks providers in {@code AuthOrder}
 * (or priority) order; the first that answers {@code found} or {@code error} decides, and
 * {@code declined} passes the question on. The provider that found the user is the only one asked
 * to check its password, after the auth-only providers (PAM) have had their say.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface AuthProvider {

    /** Looks a user up by name (getpwnam). */
    AuthAnswer<UserAccount> findUser(Session session, String name);

    /** Checks a password for a user this provider found, or, for auth-only providers, any user. */
    AuthResult authenticate(Session session, UserAccount user, String password);

    /** The groups of a user, primary first (getgroups). */
    default AuthAnswer<List<GroupAccount>> groupsOf(Session session, UserAccount user) {
        return AuthAnswer.declined();
    }

    /** Looks a group up by name (getgrnam). */
    default AuthAnswer<GroupAccount> findGroup(Session session, String name) {
        return AuthAnswer.declined();
    }

    /**
     * Whether this provider only checks passwords and knows nothing of users and groups (PAM,
     * RADIUS). Such providers are asked to authenticate before the module that found the user.
     */
    default boolean authOnly() {
        return false;
    }
}

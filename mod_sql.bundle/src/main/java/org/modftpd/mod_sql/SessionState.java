package org.modftpd.mod_sql;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.modftpd.api.Config;
import org.modftpd.api.GroupAccount;
import org.modftpd.api.UserAccount;

/**
 * What mod_sql remembers about one session (ProFTPD keeps the same in its forked child): the
 * resolved configuration, the users and groups it looked up (and, with SQLNegativeCache, the names
 * it did not find), and the pools the session uses. Held in a weak map keyed by the session, so
 * nothing outlives the session; being a cache, it may be lost when the module is updated.
 */
final class SessionState {

    /** A user row: the account and the stored password (null when the column was NULL). */
    record UserRow(UserAccount account, String password) {
        @Override
        public String toString() {
            return account.toString();
        }
    }

    /** Weak: a logged-in session's configuration refers back to the session, the key of the map. */
    private volatile WeakReference<Config> config = new WeakReference<>(null);
    private volatile SqlConfig sql;
    final Map<String, UserRow> users = new ConcurrentHashMap<>();
    final Set<String> missingUsers = ConcurrentHashMap.newKeySet();
    final Map<String, GroupAccount> groups = new ConcurrentHashMap<>();
    final Set<String> missingGroups = ConcurrentHashMap.newKeySet();
    final Map<String, List<GroupAccount>> memberships = new ConcurrentHashMap<>();
    final Set<Pools.Pool> pools = ConcurrentHashMap.newKeySet();
    /** Set once a backend error ended the session, so later handlers do not try again. */
    volatile boolean ended;

    /** The resolved configuration for the session's current view (recomputed when the view changes). */
    SqlConfig config(Config current) {
        SqlConfig s = sql;
        if (s == null || config.get() != current) {
            s = SqlConfig.of(current);
            sql = s;
            config = new WeakReference<>(current);
        }
        return s;
    }
}

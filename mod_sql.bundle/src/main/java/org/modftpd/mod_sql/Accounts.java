package org.modftpd.mod_sql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.modftpd.api.Command;
import org.modftpd.api.GroupAccount;
import org.modftpd.api.Session;
import org.modftpd.api.UserAccount;
import org.modftpd.mod_sql.Database.DbException;
import org.modftpd.mod_sql.SessionState.UserRow;
import org.modftpd.mod_sql.SqlDirectives.Columns;
import org.modftpd.mod_sql.SqlDirectives.GroupInfo;
import org.modftpd.mod_sql.SqlDirectives.NamedQuery;
import org.modftpd.mod_sql.SqlDirectives.Option;
import org.modftpd.mod_sql.SqlDirectives.UserInfo;
import org.modftpd.mod_sql.SqlTemplate.TemplateException;

/**
 * The user and group queries of mod_sql: built from {@code SQLUserInfo}/{@code SQLGroupInfo} and the
 * WHERE clauses, or the custom named queries, with the looked-up name always a bound parameter.
 */
final class Accounts {

    private Accounts() {
    }

    // ------------------------------------------------------------------ users

    /** getpwnam: the user's row, or null. */
    static UserRow lookupUser(SqlModule m, Session s, SqlConfig cfg, SessionState st, String name)
            throws DbException, TemplateException {
        UserInfo u = cfg.user();
        List<String> row;
        if (u.custom()) {
            NamedQuery q = cfg.queries().get(u.customByName());
            if (q == null) {
                m.log(s, cfg, "error: unable to resolve custom SQLNamedQuery name '" + u.customByName() + "'");
                return null;
            }
            List<List<String>> rows = m.runNamed(s, cfg, null, q, List.of(name)).rows();
            m.log(s, cfg, "custom SQLUserInfo query '" + q.name() + "' returned " + rows.size() + " rows for user '"
                    + name + "'");
            row = rows.isEmpty() ? null : rows.get(0);
        } else {
            List<String> columns = new ArrayList<>(List.of(u.name(), u.password()));
            for (String col : new String[] {u.uid(), u.gid(), u.home(), u.shell()}) {
                if (col != null) {
                    columns.add(col);
                }
            }
            String sql = "SELECT " + String.join(", ", columns) + " FROM " + u.table() + " WHERE (" + u.name()
                    + " = %{0})" + where(cfg.userWhere()) + " LIMIT 1";
            List<List<String>> rows = m.execute(s, cfg, cfg.connection(null), sql, m.values(s, null, List.of(name)))
                    .rows();
            row = rows.isEmpty() ? null : rows.get(0);
        }
        if (row == null) {
            return null;
        }
        return toUser(m, s, cfg, row, u.custom(), name);
    }

    private static String where(String clause) {
        return clause == null || clause.isBlank() ? "" : " AND (" + clause + ")";
    }

    /** A row of (name, password[, uid][, gid][, home][, shell]) as a user, with mod_sql's defaults. */
    static UserRow toUser(SqlModule m, Session s, SqlConfig cfg, List<String> row, boolean custom, String asked) {
        UserInfo u = cfg.user();
        int i = 0;
        String name = at(row, i++);
        String password = at(row, i++);
        long uid = cfg.defaultUid();
        long gid = cfg.defaultGid();
        String home = null;
        String shell = null;
        if (custom || u.uid() != null) {
            uid = id(at(row, i++), cfg.defaultUid());
        }
        if (custom || u.gid() != null) {
            gid = id(at(row, i++), cfg.defaultGid());
        }
        if (custom || u.home() != null) {
            home = at(row, i++);
        }
        if (custom || u.shell() != null) {
            shell = at(row, i++);
        }
        if (home == null || home.isEmpty() || home.equals("NULL")) {
            home = cfg.defaultHome();
        }
        if (uid < cfg.minUid()) {
            m.log(s, cfg, "user UID " + uid + " below SQLMinUserUID " + cfg.minUid() + ", using SQLDefaultUID "
                    + cfg.defaultUid());
            uid = cfg.defaultUid();
        }
        if (gid < cfg.minGid()) {
            m.log(s, cfg, "user GID " + gid + " below SQLMinUserGID " + cfg.minGid() + ", using SQLDefaultGID "
                    + cfg.defaultGid());
            gid = cfg.defaultGid();
        }
        if (name == null) {
            name = asked;
        }
        if (home == null) {
            m.log(s, cfg, "user '" + name + "' has no home directory and no SQLDefaultHomedir is set");
            s.log().notice(SqlModule.VERSION + ": user '" + name
                    + "' has no home directory and no SQLDefaultHomedir is set");
            return null;
        }
        return new UserRow(new UserAccount(name, uid, gid, home, shell == null ? "" : shell), password);
    }

    private static String at(List<String> row, int i) {
        return i < row.size() ? row.get(i) : null;
    }

    private static long id(String text, long dflt) {
        if (text == null) {
            return dflt;
        }
        try {
            long v = Long.parseLong(text.strip());
            return v < 0 || v > 0xFFFFFFFFL ? dflt : v;
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    // ------------------------------------------------------------------ groups

    /** getgroups: the primary group first, then every group that lists the user as a member. */
    static List<GroupAccount> groupsOf(SqlModule m, Session s, SqlConfig cfg, SessionState st, UserAccount user)
            throws DbException, TemplateException {
        List<GroupAccount> cached = st.memberships.get(user.name());
        if (cached != null) {
            return cached;
        }
        GroupInfo g = cfg.group();
        Map<String, Acc> found = new LinkedHashMap<>();
        String primaryName = null;
        if (g.custom()) {
            if (g.customById() != null) {
                NamedQuery q = cfg.queries().get(g.customById());
                if (q != null) {
                    for (List<String> row : m.runNamed(s, cfg, null, q, List.of(Long.toString(user.gid()))).rows()) {
                        primaryName = add(found, row, true);
                    }
                }
            }
            if (g.customByMember() != null) {
                NamedQuery q = cfg.queries().get(g.customByMember());
                if (q != null) {
                    // custom member queries return (groupname, gid, member) rows: the normalized form
                    for (List<String> row : m.runNamed(s, cfg, null, q, List.of(user.name())).rows()) {
                        add(found, row, true);
                    }
                }
            }
        } else {
            boolean normalized = cfg.option(Option.USE_NORMALIZED_GROUP_SCHEMA);
            String membership = normalized ? g.members() + " = %{1}" : g.members() + " LIKE %{2} ESCAPE '!'";
            String sql = "SELECT " + g.name() + ", " + g.gid() + ", " + g.members() + " FROM " + g.table()
                    + " WHERE ((" + g.gid() + " = %{0}) OR (" + membership + "))" + where(cfg.groupWhere());
            List<String> args = List.of(Long.toString(user.gid()), user.name(), "%" + likeEscape(user.name()) + "%");
            for (List<String> row : m.execute(s, cfg, cfg.connection(null), sql, m.values(s, null, args)).rows()) {
                long gid = id(at(row, 1), -1);
                List<String> members = members(at(row, 2));
                // LIKE finds candidates; only an exact member name (or the primary gid) counts
                boolean member = normalized ? user.name().equals(trim(at(row, 2))) : members.contains(user.name());
                if (gid != user.gid() && !member) {
                    continue;
                }
                String name = add(found, row, normalized);
                if (gid == user.gid() && primaryName == null) {
                    primaryName = name;
                }
            }
        }
        List<GroupAccount> result = new ArrayList<>();
        if (primaryName != null) {
            result.add(found.remove(primaryName).account());
        } else if (!found.isEmpty()) {
            // keep the primary group first even when the table does not name it
            result.add(new GroupAccount(Long.toString(user.gid()), user.gid(), List.of()));
        }
        for (Acc a : found.values()) {
            result.add(a.account());
        }
        List<GroupAccount> groups = List.copyOf(result);
        st.memberships.put(user.name(), groups);
        for (GroupAccount ga : groups) {
            st.groups.putIfAbsent(ga.name(), ga);
        }
        return groups;
    }

    /** getgrnam: the group with that name (its rows merged), or null. */
    static GroupAccount group(SqlModule m, Session s, SqlConfig cfg, SessionState st, String name)
            throws DbException, TemplateException {
        GroupAccount cached = st.groups.get(name);
        if (cached != null) {
            return cached;
        }
        if (cfg.negativeCache() && st.missingGroups.contains(name)) {
            m.log(s, cfg, "negative cache entry for group '" + name + "'");
            return null;
        }
        GroupInfo g = cfg.group();
        List<List<String>> rows;
        boolean normalized;
        if (g.custom()) {
            NamedQuery q = g.customByName() == null ? null : cfg.queries().get(g.customByName());
            if (q == null) {
                return null;
            }
            rows = m.runNamed(s, cfg, null, q, List.of(name)).rows();
            normalized = true;
        } else {
            String sql = "SELECT " + g.name() + ", " + g.gid() + ", " + g.members() + " FROM " + g.table() + " WHERE ("
                    + g.name() + " = %{0})" + where(cfg.groupWhere());
            rows = m.execute(s, cfg, cfg.connection(null), sql, m.values(s, null, List.of(name))).rows();
            normalized = cfg.option(Option.USE_NORMALIZED_GROUP_SCHEMA);
        }
        Map<String, Acc> found = new LinkedHashMap<>();
        for (List<String> row : rows) {
            add(found, row, normalized);
        }
        Acc a = found.get(name);
        if (a == null && !found.isEmpty()) {
            a = found.values().iterator().next();
        }
        if (a == null) {
            if (cfg.negativeCache()) {
                st.missingGroups.add(name);
            }
            return null;
        }
        GroupAccount result = a.account();
        st.groups.put(name, result);
        return result;
    }

    /** A group being assembled from one or more rows. */
    private record Acc(String name, long gid, Set<String> members) {
        GroupAccount account() {
            return new GroupAccount(name, gid, List.copyOf(members));
        }
    }

    /** Adds a (name, gid, members) row; returns the group name. */
    private static String add(Map<String, Acc> found, List<String> row, boolean single) {
        String name = at(row, 0);
        if (name == null) {
            return null;
        }
        long gid = id(at(row, 1), -1);
        Acc a = found.computeIfAbsent(name, n -> new Acc(n, gid, new LinkedHashSet<>()));
        if (single) {
            String member = trim(at(row, 2));
            if (member != null && !member.isEmpty()) {
                a.members().add(member);
            }
        } else {
            a.members().addAll(members(at(row, 2)));
        }
        return name;
    }

    private static String trim(String s) {
        return s == null ? null : s.strip();
    }

    /** A comma-separated member list ({@code "naomi, priscilla"}). */
    static List<String> members(String list) {
        List<String> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        for (String m : list.split(",")) {
            String t = m.strip();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    /** Makes a name match itself literally in {@code LIKE ... ESCAPE '!'}. */
    static String likeEscape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 4);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '!' || c == '%' || c == '_') {
                b.append('!');
            }
            b.append(c);
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ keys and counters

    /**
     * {@code SQLUserPrimaryKey}/{@code SQLGroupPrimaryKey}: a column of the user's (group's) row, or
     * the first value of {@code custom:/named-query} with {@code %{0}} the name.
     */
    static String primaryKey(SqlModule m, Session s, SqlConfig cfg, SessionState st, Command c, String spec,
            boolean user, String name) throws DbException, TemplateException {
        if (spec.startsWith("custom:/")) {
            NamedQuery q = cfg.queries().get(spec.substring(8));
            if (q == null) {
                m.log(s, cfg, "error: unable to resolve custom SQLNamedQuery name '" + spec.substring(8) + "'");
                return null;
            }
            return m.runNamed(s, cfg, c, q, List.of(name)).first();
        }
        String sql;
        if (user) {
            UserInfo u = cfg.user();
            if (u.custom()) {
                return null;
            }
            sql = "SELECT " + spec + " FROM " + u.table() + " WHERE (" + u.name() + " = %{0})" + where(cfg.userWhere())
                    + " LIMIT 1";
        } else {
            GroupInfo g = cfg.group();
            if (g.custom()) {
                return null;
            }
            sql = "SELECT " + spec + " FROM " + g.table() + " WHERE (" + g.name() + " = %{0})"
                    + where(cfg.groupWhere()) + " LIMIT 1";
        }
        return m.execute(s, cfg, cfg.connection(null), sql, m.values(s, c, List.of(name))).first();
    }

    /** Four columns of the user's row (the SQLRatios or SQLRatioStats columns), or null. */
    static List<String> userColumns(SqlModule m, Session s, SqlConfig cfg, SessionState st, Command c, Columns cols,
            String user) throws DbException, TemplateException {
        UserInfo u = cfg.user();
        if (u.custom()) {
            return null;
        }
        String sql = "SELECT " + cols.first() + ", " + cols.second() + ", " + cols.third() + ", " + cols.fourth()
                + " FROM " + u.table() + " WHERE (" + u.name() + " = %{0})" + where(cfg.userWhere()) + " LIMIT 1";
        List<List<String>> rows = m.execute(s, cfg, cfg.connection(null), sql, m.values(s, c, List.of(user))).rows();
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** SQLRatioStats after a transfer: one more file and its bytes in the user's row. */
    static void addStats(SqlModule m, Session s, SqlConfig cfg, SessionState st, Command c, String filesColumn,
            String bytesColumn, long bytes) throws DbException, TemplateException {
        UserInfo u = cfg.user();
        if (u.custom()) {
            return;
        }
        String sql = "UPDATE " + u.table() + " SET " + filesColumn + " = " + filesColumn + " + 1, " + bytesColumn
                + " = " + bytesColumn + " + %{1} WHERE (" + u.name() + " = %{0})" + where(cfg.userWhere());
        m.execute(s, cfg, cfg.connection(null), sql, m.values(s, c, List.of(s.identity().get().name(),
                Long.toString(bytes))));
    }
}

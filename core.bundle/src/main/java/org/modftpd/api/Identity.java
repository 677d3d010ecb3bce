package org.modftpd.api;

import java.util.List;
import java.util.Objects;

/**
 * Who a session is logged in as: the account, its groups (primary first), whether the login is
 * anonymous, the name the client typed and the module that vouched for it.
 */
public record Identity(UserAccount user, List<GroupAccount> groups, boolean anonymous, String loginName,
        String authModule) {

    public Identity {
        Objects.requireNonNull(user, "user");
        groups = List.copyOf(groups);
        Objects.requireNonNull(loginName, "loginName");
        Objects.requireNonNull(authModule, "authModule");
    }

    public String name() {
        return user.name();
    }

    /** The primary group's name, or the numeric gid when no group is known. */
    public String primaryGroupName() {
        return groups.isEmpty() ? Long.toString(user.gid()) : groups.get(0).name();
    }

    public boolean inGroup(String groupName) {
        for (GroupAccount g : groups) {
            if (g.name().equals(groupName)) {
                return true;
            }
        }
        return false;
    }

    public List<String> groupNames() {
        return groups.stream().map(GroupAccount::name).toList();
    }
}

package org.modftpd.api;

import java.util.List;
import java.util.Objects;

/** A group as an auth backend describes it ({@code struct group}). */
public record GroupAccount(String name, long gid, List<String> members) {
    public GroupAccount {
        Objects.requireNonNull(name, "name");
        members = List.copyOf(members);
    }
}

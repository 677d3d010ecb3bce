package org.modftpd.api;

import java.util.Objects;

/**
 * A user as an auth backend describes it (ProFTPD's {@code struct passwd} without the password).
 * Ids are virtual: the server runs as one operating-system user.
 */
public record UserAccount(String name, long uid, long gid, String home, String shell) {
    public UserAccount {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(home, "home");
        shell = shell == null ? "" : shell;
    }
}

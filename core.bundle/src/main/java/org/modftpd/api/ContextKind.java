package org.modftpd.api;

/** Where a directive may appear; ProFTPD's S, V, G, A, D, L and F contexts plus {@code <Class>}. */
public enum ContextKind {
    SERVER,
    VIRTUAL_HOST,
    GLOBAL,
    ANONYMOUS,
    DIRECTORY,
    LIMIT,
    FTPACCESS,
    CLASS
}

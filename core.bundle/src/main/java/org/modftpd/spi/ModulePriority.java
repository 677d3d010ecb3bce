package org.modftpd.spi;

/** Conventional {@link FtpModule#priority()} values; higher is asked first. */
public final class ModulePriority {
    /** The core's own modules (mod_core.c, mod_xfer.c, mod_auth.c, ...). */
    public static final int CORE = 0;
    /** Auth backends shipped with the server (mod_auth_file.c). */
    public static final int AUTH_BACKEND = 100;
    /** Default for third-party modules. */
    public static final int DEFAULT = 500;
    /** Contributed modules that ProFTPD loads after the core ones (mod_sql.c, mod_ldap.c, mod_ratio.c). */
    public static final int CONTRIB = 600;
    /** Auth-only modules consulted before the others (mod_auth_pam.c). */
    public static final int AUTH_ONLY = 700;
    /** mod_ifsession.c, which ProFTPD always loads last so it sees commands first. */
    public static final int LAST = 1000;

    private ModulePriority() {
    }
}

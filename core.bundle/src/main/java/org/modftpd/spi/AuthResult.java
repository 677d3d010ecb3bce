package org.modftpd.spi;

/** The outcome of a password check (ProFTPD's PR_AUTH_* codes). */
public enum AuthResult {
    /** The password is right. */
    OK,
    /** Not this provider's user; the next provider may answer. */
    DECLINED,
    NO_SUCH_USER,
    BAD_PASSWORD,
    /** The account is disabled (for example a {@code *} or {@code !} password field). */
    DISABLED,
    /** The password has expired. */
    EXPIRED,
    /** The backend could not be reached or failed. */
    UNAVAILABLE
}

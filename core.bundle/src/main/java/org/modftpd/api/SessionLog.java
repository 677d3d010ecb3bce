package org.modftpd.api;

/** Logging for a session: lines carry the client as ProFTPD's do and go to slf4j and the SystemLog. */
@org.osgi.annotation.versioning.ProviderType
public interface SessionLog {
    void debug(String message);

    void info(String message);

    void notice(String message);

    void warn(String message);

    void error(String message);
}

package org.modftpd.spi;

import org.modftpd.api.Session;
import org.modftpd.api.Transfer;

/** Callbacks around a session's life; each runs on the session's own thread and should not block long. */
@org.osgi.annotation.versioning.ConsumerType
public interface SessionHooks {

    /** After the client connected, before the banner is sent. */
    default void connected(Session session) {
    }

    /** After a successful PASS, before the POST_CMD PASS handlers and the 230 reply. */
    default void loggedIn(Session session) {
    }

    default void transferStarted(Session session, Transfer transfer) {
    }

    default void transferEnded(Session session, Transfer transfer) {
    }

    /** After the control connection closed, for any reason. */
    default void disconnected(Session session) {
    }
}

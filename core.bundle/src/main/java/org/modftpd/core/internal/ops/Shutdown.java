package org.modftpd.core.internal.ops;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.modftpd.core.internal.modules.CoreDirectives;
import org.modftpd.core.internal.protocol.Addresses;
import org.modftpd.core.internal.session.SessionImpl;

/** How the server honours ftpshut's message file: refusing new connections, then sending sessions away. */
public final class Shutdown {

    private Shutdown() {
    }

    /** The shutdown file in force for a session's virtual host, if any. */
    public static Optional<ShutdownFile> inForce(SessionImpl session) {
        return session.value(CoreDirectives.SHUTDOWN_MESSAGE_FILE)
                .flatMap(f -> session.runtime().shutdownFiles().read(Path.of(f)));
    }

    /** The 500 text for a connection arriving inside the deny window, or empty when it is welcome. */
    public static Optional<String> refusal(SessionImpl session, Instant now) {
        return inForce(session).filter(f -> f.denying(now)).map(f -> message(f, session));
    }

    /**
     * Sends away every session whose shutdown file has reached its disconnect time.
     *
     * @return how many sessions were disconnected
     */
    public static int disconnectDue(Iterable<SessionImpl> sessions, Instant now) {
        int sent = 0;
        for (SessionImpl s : sessions) {
            if (s.closing()) {
                continue;
            }
            Optional<ShutdownFile> file = inForce(s);
            if (file.isPresent() && file.get().disconnecting(now)) {
                String msg = message(file.get(), s);
                s.log().notice("disconnecting: FTP server shutting down (" + msg + ")");
                s.disconnect("FTP server shutting down - " + msg);
                sent++;
            }
        }
        return sent;
    }

    static String message(ShutdownFile file, SessionImpl s) {
        String cwd = s.authenticated() ? s.files().cwd() : "(none)";
        String user = s.identity().map(i -> i.name()).orElse(s.requestedUser().orElse("(none)"));
        return file.expand(cwd, Addresses.text(s.localAddress().getAddress()),
                Addresses.text(s.remoteAddress().getAddress()), user, s.server().name());
    }
}

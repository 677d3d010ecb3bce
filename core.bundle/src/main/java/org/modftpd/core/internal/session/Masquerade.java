package org.modftpd.core.internal.session;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Resolves a MasqueradeAddress; a name that does not resolve falls back to the real address (Bug 4104). */
final class Masquerade {

    private Masquerade() {
    }

    static InetAddress resolve(String nameOrAddress) {
        try {
            return SessionImpl.plain(InetAddress.getByName(nameOrAddress));
        } catch (UnknownHostException e) {
            return null;
        }
    }
}

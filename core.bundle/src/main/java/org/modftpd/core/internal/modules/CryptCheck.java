package org.modftpd.core.internal.modules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.commons.codec.digest.Crypt;

/** crypt(3) checks for {@code UserPassword}: {@code $1$}, {@code $5$}, {@code $6$} and DES. */
final class CryptCheck {

    private CryptCheck() {
    }

    static boolean matches(String hash, String password) {
        if (hash.isEmpty() || hash.startsWith("*") || hash.startsWith("!")) {
            return false;
        }
        try {
            String computed = Crypt.crypt(password.getBytes(StandardCharsets.UTF_8), hash);
            return MessageDigest.isEqual(computed.getBytes(StandardCharsets.UTF_8),
                    hash.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

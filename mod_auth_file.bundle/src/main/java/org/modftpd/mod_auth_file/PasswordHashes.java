package org.modftpd.mod_auth_file;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.commons.codec.digest.Crypt;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/** Checks a password against a crypt(3) hash: {@code $1$} MD5, {@code $5$} SHA-256, {@code $6$} SHA-512, DES, bcrypt. */
final class PasswordHashes {

    private PasswordHashes() {
    }

    /** Whether the hash names a scheme this module can check. */
    static boolean supported(String hash) {
        return hash.startsWith("$1$") || hash.startsWith("$5$") || hash.startsWith("$6$") || isBcrypt(hash)
                || hash.length() == 13 && hash.matches("[./0-9A-Za-z]{13}");
    }

    static boolean matches(String hash, String password) {
        if (isBcrypt(hash)) {
            try {
                return OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
            } catch (IllegalArgumentException | org.bouncycastle.crypto.DataLengthException e) {
                return false;
            }
        }
        if (!supported(hash)) {
            return false;
        }
        String computed;
        try {
            computed = Crypt.crypt(password.getBytes(StandardCharsets.UTF_8), hash);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(computed.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isBcrypt(String hash) {
        return hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$");
    }
}

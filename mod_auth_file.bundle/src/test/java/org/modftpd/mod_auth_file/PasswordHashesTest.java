package org.modftpd.mod_auth_file;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

class PasswordHashesTest {

    // generated with OpenSSL 3.0: openssl passwd -1|-5|-6 -salt <salt> secret
    private static final String MD5 = "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1";
    private static final String SHA256 = "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA";
    private static final String SHA512 = "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77"
            + "vwPZN.Pq.H91p5hVO1";
    // openssl passwd -6 -salt NaCl 'pässwörd' (UTF-8 password)
    private static final String SHA512_UTF8 = "$6$NaCl$fXDrDb52XC3FgC347tJvI3n/BYWJMVcI0g7LeHYXaEtXs3pr3WoExCp3HZZBAiqf"
            + "1Lbnu5ULc9874flNocsg7.";
    // glibc crypt(3) through perl: crypt("secret", "ab"), crypt("secret", '$6$rounds=10000$saltsalt$'),
    // crypt("secret", '$5$rounds=5000$saltsalt$')
    private static final String DES = "abNANd1rDfiNc";
    private static final String SHA512_ROUNDS = "$6$rounds=10000$saltsalt$WowrPBpEDVlCoruBosYlrZycTCx3//TyDHYqEhX9DUHH"
            + "t0XTztUqzQDDUuvUGRA8aUe9p55hcAxeGcu58sm3u.";
    private static final String SHA256_ROUNDS = "$5$rounds=5000$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA";

    private static final byte[] SALT = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @Test
    void md5Crypt() {
        assertTrue(PasswordHashes.supported(MD5));
        assertTrue(PasswordHashes.matches(MD5, "secret"));
        assertFalse(PasswordHashes.matches(MD5, "Secret"));
        assertFalse(PasswordHashes.matches(MD5, ""));
    }

    @Test
    void sha256Crypt() {
        assertTrue(PasswordHashes.matches(SHA256, "secret"));
        assertFalse(PasswordHashes.matches(SHA256, "secret "));
        assertTrue(PasswordHashes.matches(SHA256_ROUNDS, "secret"));
        assertFalse(PasswordHashes.matches(SHA256_ROUNDS, "secreT"));
    }

    @Test
    void sha512Crypt() {
        assertTrue(PasswordHashes.matches(SHA512, "secret"));
        assertFalse(PasswordHashes.matches(SHA512, "secret2"));
        assertTrue(PasswordHashes.matches(SHA512_ROUNDS, "secret"));
        assertFalse(PasswordHashes.matches(SHA512_ROUNDS, "wrong"));
        assertTrue(PasswordHashes.matches(SHA512_UTF8, "p\u00e4ssw\u00f6rd"));
        assertFalse(PasswordHashes.matches(SHA512_UTF8, "passwort"));
    }

    @Test
    void traditionalDes() {
        assertTrue(PasswordHashes.supported(DES));
        assertTrue(PasswordHashes.matches(DES, "secret"));
        assertFalse(PasswordHashes.matches(DES, "secreX"));
        // perl -e 'print crypt("password", "xy")': DES only looks at the first eight characters, as crypt(3)
        assertTrue(PasswordHashes.matches("xyAjYtmfRYx/.", "password"));
        assertTrue(PasswordHashes.matches("xyAjYtmfRYx/.", "password123"));
        assertFalse(PasswordHashes.matches("xyAjYtmfRYx/.", "passwor"));
    }

    @Test
    void bcryptInEveryOpenBsdVariant() {
        for (String version : new String[] {"2a", "2b", "2y"}) {
            String hash = OpenBSDBCrypt.generate(version, "secret".toCharArray(), SALT, 4);
            assertTrue(hash.startsWith("$" + version + "$04$"), hash);
            assertTrue(PasswordHashes.supported(hash), hash);
            assertTrue(PasswordHashes.matches(hash, "secret"), hash);
            assertFalse(PasswordHashes.matches(hash, "Secret"), hash);
            assertFalse(PasswordHashes.matches(hash, ""), hash);
        }
    }

    @Test
    void malformedHashesOfKnownSchemesDoNotMatchAndDoNotThrow() {
        assertFalse(PasswordHashes.matches("$1$", "secret"));
        assertFalse(PasswordHashes.matches("$6$", "secret"));
        assertFalse(PasswordHashes.matches("$6$saltsalt$", "secret"));
        assertFalse(PasswordHashes.matches("$2y$04$short", "secret"));
        assertFalse(PasswordHashes.matches("$2y$", "secret"));
        assertFalse(PasswordHashes.matches("$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sB", "secret"));
    }

    @Test
    void unsupportedSchemes() {
        for (String hash : new String[] {"$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=",
            "secret", "", "$2x$04$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui", "$7$abc", "x",
            "abNANd1rDfiN", "abNANd1rDfiNc1", "ab#ANd1rDfiNc"}) {
            assertFalse(PasswordHashes.supported(hash), hash);
            assertFalse(PasswordHashes.matches(hash, "secret"), hash);
            assertFalse(PasswordHashes.matches(hash, hash), hash);
        }
    }
}

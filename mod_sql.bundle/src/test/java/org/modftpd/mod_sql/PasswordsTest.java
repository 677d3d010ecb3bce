package org.modftpd.mod_sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.modftpd.mod_sql.Passwords.Encoding;
import org.modftpd.mod_sql.Passwords.Option;
import org.modftpd.mod_sql.Passwords.Salt;
import org.modftpd.mod_sql.Passwords.Settings;
import org.modftpd.mod_sql.Passwords.Type;

/**
 * Every SQLAuthType against values made by other implementations: glibc crypt(3), OpenSSL, MariaDB's
 * PASSWORD(), libsodium (mod_sql_passwd's argon2i and scrypt) and libargon2 (PHC strings).
 */
class PasswordsTest {

    private static final Settings ENGINE = new Settings(true, Encoding.HEX, null, null, Set.of(), 1, false, 32, 32,
            null);

    private static boolean ok(Type t, String stored, String password, Settings s) {
        return Passwords.check(t, stored, password, s, Backend.MYSQL).ok();
    }

    @Test
    void plaintextAndEmpty() {
        assertTrue(ok(Type.PLAINTEXT, "test", "test", Settings.NONE));
        assertFalse(ok(Type.PLAINTEXT, "test", "Test", Settings.NONE));
        assertFalse(ok(Type.PLAINTEXT, "", "", Settings.NONE), "an empty stored password is not plaintext");
        assertTrue(ok(Type.EMPTY, "", "anything", Settings.NONE));
        assertFalse(ok(Type.EMPTY, "x", "x", Settings.NONE));
    }

    @Test
    void cryptSchemes() {
        assertTrue(ok(Type.CRYPT, "$6$alicesalt$HFdxLk8wA2OrrIRe2fi88/dNWjVgW3Rgo//Lrtub09NaZ00EjCmK5ofIco9Wv57xiylXKDq"
                + "qLmvAlfRMjg85W/", "alice-pw", Settings.NONE));
        assertTrue(ok(Type.CRYPT, "$5$bobsalt$WEQIKO9zeVTS31TZAx3PDU0Aj4WpgAch5RoXs2CVkVD", "bob-pw", Settings.NONE));
        assertTrue(ok(Type.CRYPT, "$1$carols$nOh.x.vV9wUJYbDj3R55j/", "carol-pw", Settings.NONE));
        assertTrue(ok(Type.CRYPT, "$2y$06$KBCwKxOzLha2MUDgW0PjXe3EQiGI1Jd9cCqLFEZM8kuxvR3yIYX.y", "dave-pw",
                Settings.NONE));
        assertTrue(ok(Type.CRYPT, "erPlELpu0qDG6", "erin-pw", Settings.NONE));
        assertTrue(ok(Type.CRYPT, "$6$salt$xdLuw21n.5WciQUUpHTTPfR6QwS..Z1Q/4xGfiyYa51WSQktzSXYXSk2zBp.Is5r9WiXrGqRmHpEG0"
                + "iG0HaSk.", "test", Settings.NONE));
        assertFalse(ok(Type.CRYPT, "$6$salt$xdLuw21n.5WciQUUpHTTPfR6QwS..Z1Q/4xGfiyYa51WSQktzSXYXSk2zBp.Is5r9WiXrGqRmHpEG"
                + "0iG0HaSk.", "test2", Settings.NONE));
        assertFalse(ok(Type.CRYPT, "", "", Settings.NONE));
        Passwords.Result yescrypt = Passwords.check(Type.CRYPT, "$y$j9T$abc$def", "x", Settings.NONE, Backend.MYSQL);
        assertFalse(yescrypt.ok());
        assertNotNull(yescrypt.reason());
    }

    @Test
    void opensslDigests() {
        assertTrue(ok(Type.OPENSSL, "{md5}CY9rzUYh03PK3k6DJie09g==", "test", Settings.NONE));
        assertTrue(ok(Type.OPENSSL, "{sha1}qUqP5cyxm6YcTAhz05Hph5gvu9M=", "test", Settings.NONE));
        assertTrue(ok(Type.OPENSSL, "{sha256}n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=", "test", Settings.NONE));
        assertTrue(ok(Type.OPENSSL, "{SHA512}7iaw3Ur350mqGo7jwQrpkj9hiYB3Lkc/iBml1JQODbJ6wYX4oOHV+E+IvIh/1nsUNzLDBMxfqa2O"
                + "b1f1ACio/w==", "test", Settings.NONE));
        assertFalse(ok(Type.OPENSSL, "{md5}CY9rzUYh03PK3k6DJie09g==", "nope", Settings.NONE));
        assertFalse(ok(Type.OPENSSL, "{whirlpool}abc", "test", Settings.NONE));
    }

    @Test
    void mysqlBackendPassword() {
        assertTrue(ok(Type.BACKEND, "*94BDCEBE19083CE2A1F959FD02F964C7AF4CFC29", "test", Settings.NONE));
        assertFalse(ok(Type.BACKEND, "*94BDCEBE19083CE2A1F959FD02F964C7AF4CFC29", "tesT", Settings.NONE));
        assertFalse(Passwords.check(Type.BACKEND, "*94BDCEBE19083CE2A1F959FD02F964C7AF4CFC29", "test", Settings.NONE,
                Backend.POSTGRES).ok());
    }

    @Test
    void digestsNeedTheEngine() {
        Passwords.Result r = Passwords.check(Type.MD5, "098f6bcd4621d373cade4e832627b4f6", "test", Settings.NONE,
                Backend.MYSQL);
        assertFalse(r.ok());
        assertTrue(r.reason().contains("SQLPasswordEngine"));
    }

    @Test
    void digestsInEachEncoding() {
        assertTrue(ok(Type.MD5, "098f6bcd4621d373cade4e832627b4f6", "test", ENGINE));
        assertTrue(ok(Type.SHA1, "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", "test", ENGINE));
        assertTrue(ok(Type.SHA256, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "test", ENGINE));
        assertTrue(ok(Type.SHA512, "ee26b0dd4af7e749aa1a8ee3c10ae9923f618980772e473f8819a5d4940e0db27ac185f8a0e1d5f84f88"
                + "bc887fd67b143732c304cc5fa9ad8e6f57f50028a8ff", "test", ENGINE));
        Settings upper = withEncoding(Encoding.HEX_UPPER);
        assertTrue(ok(Type.MD5, "098F6BCD4621D373CADE4E832627B4F6", "test", upper));
        assertFalse(ok(Type.MD5, "098f6bcd4621d373cade4e832627b4f6", "test", upper));
        Settings b64 = withEncoding(Encoding.BASE64);
        assertTrue(ok(Type.SHA256, "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=", "test", b64));
        assertFalse(ok(Type.SHA256, "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=", "Test", b64));
    }

    private static Settings withEncoding(Encoding e) {
        return new Settings(true, e, null, null, Set.of(), 1, false, 32, 32, null);
    }

    @Test
    void saltsRoundsAndOptions() {
        byte[] salt = "salt".getBytes(StandardCharsets.UTF_8);
        Settings prepend = new Settings(true, Encoding.HEX, new Salt(salt, true), null, Set.of(), 1, false, 32, 32,
                null);
        assertTrue(ok(Type.MD5, "d653ea7ea31e77b41041e7e3d32e3e4a", "test", prepend));
        Settings append = new Settings(true, Encoding.HEX, null, new Salt(salt, false), Set.of(), 1, false, 32, 32,
                null);
        assertTrue(ok(Type.MD5, "315240c61218a4a861ec949166a85ef0", "test", append));
        Settings rounds = new Settings(true, Encoding.HEX, null, null, Set.of(), 3, false, 32, 32, null);
        assertTrue(ok(Type.MD5, "25ab3b38f7afc116f18fa9821e44d561", "test", rounds));
        Settings both = new Settings(true, Encoding.HEX, new Salt(salt, true), null,
                EnumSet.of(Option.HASH_ENCODE_PASSWORD, Option.HASH_ENCODE_SALT), 1, false, 32, 32, null);
        assertTrue(ok(Type.MD5, "9b605ff125dfb66864bb67ea17c9e1fe", "test", both));
    }

    @Test
    void bcryptType() {
        assertTrue(ok(Type.BCRYPT, "$2y$06$KBCwKxOzLha2MUDgW0PjXe3EQiGI1Jd9cCqLFEZM8kuxvR3yIYX.y", "dave-pw", ENGINE));
        assertFalse(ok(Type.BCRYPT, "$2y$06$KBCwKxOzLha2MUDgW0PjXe3EQiGI1Jd9cCqLFEZM8kuxvR3yIYX.y", "dave", ENGINE));
        assertFalse(ok(Type.BCRYPT, "$2y$06$KBCwKxOzLha2MUDgW0PjXe3EQiGI1Jd9cCqLFEZM8kuxvR3yIYX.y", "dave-pw",
                Settings.NONE));
    }

    @Test
    void argon2AsLibsodiumAndAsPhcStrings() {
        Settings salted = new Settings(true, Encoding.HEX, null,
                new Salt("0123456789abcdef".getBytes(StandardCharsets.UTF_8), false), Set.of(), 1, false, 32, 32, null);
        // libsodium crypto_pwhash_argon2i, interactive limits (4 passes, 32 MiB)
        assertTrue(ok(Type.ARGON2, "e1097d2798b1fb31bfe9f5730011c440881eb13d898d43c08788853c86ab4c68", "secret",
                salted));
        assertFalse(ok(Type.ARGON2, "e1097d2798b1fb31bfe9f5730011c440881eb13d898d43c08788853c86ab4c68", "Secret",
                salted));
        assertFalse(ok(Type.ARGON2, "e1097d2798b1fb31bfe9f5730011c440881eb13d898d43c08788853c86ab4c68", "secret",
                ENGINE), "argon2 needs a salt");
        // libargon2's argon2id_hash_encoded(t=2, m=19456, p=1)
        String phc = "$argon2id$v=19$m=19456,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$8qPpaWig0H31wvibKAgpght2Ry2M8rtRQYtZ93ooMus";
        assertTrue(ok(Type.ARGON2, phc, "secret", ENGINE));
        assertFalse(ok(Type.ARGON2, phc, "secreT", ENGINE));
        assertFalse(ok(Type.ARGON2, "$argon2id$v=19$m=999999999,t=2,p=1$MDEy$8qPp", "secret", ENGINE));
    }

    @Test
    void scryptAndPbkdf2() {
        Settings salted = new Settings(true, Encoding.HEX, null,
                new Salt("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8), false), Set.of(), 1,
                false, 32, 32, null);
        // libsodium crypto_pwhash_scryptsalsa208sha256, interactive limits
        assertTrue(ok(Type.SCRYPT, "aa8a6f8980f4a67ee473289499036a8cffa7b745bbacf6fa735ad3fd7630208b", "secret",
                salted));
        Settings pbkdf2 = new Settings(true, Encoding.HEX, null,
                new Salt("0123456789abcdef".getBytes(StandardCharsets.UTF_8), false), Set.of(), 1, false, 32, 32,
                new Passwords.Pbkdf2("sha1", 1000, 20));
        assertTrue(ok(Type.PBKDF2, "42f106c62f7bbe460d9fa7e3837bbe6395f241ce", "test", pbkdf2));
        assertFalse(ok(Type.PBKDF2, "42f106c62f7bbe460d9fa7e3837bbe6395f241ce", "tesT", pbkdf2));
    }

    @Test
    void encodingsRoundTrip() {
        byte[] data = HexFormat.of().parseHex("00ff10");
        for (Encoding e : new Encoding[] {Encoding.BASE64, Encoding.HEX, Encoding.HEX_UPPER}) {
            assertEquals("00ff10", HexFormat.of().formatHex(e.decode(e.encode(data))));
        }
    }

    @Test
    void typeNamesAreCaseInsensitive() {
        assertEquals(Type.OPENSSL, Type.parse("openssl"));
        assertEquals(Type.PLAINTEXT, Type.parse("Plaintext"));
        assertEquals(Type.SHA256, Type.parse("sha256"));
    }
}

package org.modftpd.mod_sql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.codec.digest.Crypt;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.MD5Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA224Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The password checks of {@code SQLAuthTypes}: mod_sql's own (Plaintext, Crypt, Empty, OpenSSL,
 * Backend) and mod_sql_passwd's (MD5, SHA1, SHA256, SHA512, Bcrypt, Argon2, PBKDF2, Scrypt), which
 * work only with {@code SQLPasswordEngine on}, as in ProFTPD.
 */
final class Passwords {

    private Passwords() {
    }

    /** The {@code SQLAuthTypes} names. */
    enum Type {
        PLAINTEXT, CRYPT, EMPTY, OPENSSL, BACKEND, MD5, SHA1, SHA256, SHA512, BCRYPT, ARGON2, PBKDF2, SCRYPT;

        static Type parse(String word) {
            try {
                return valueOf(word.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown SQLAuthType '" + word + "'");
            }
        }

        /** The types mod_sql_passwd provides, which need {@code SQLPasswordEngine on}. */
        boolean fromPasswdModule() {
            return ordinal() >= MD5.ordinal();
        }

        String displayName() {
            return switch (this) {
                case OPENSSL -> "OpenSSL";
                case MD5, SHA1, SHA256, SHA512 -> name();
                default -> name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
            };
        }
    }

    /** {@code SQLPasswordEncoding} and {@code SQLPasswordSaltEncoding}. */
    enum Encoding {
        BASE64, HEX, HEX_UPPER, NONE;

        static Encoding parse(String word, boolean allowNone) {
            return switch (word) {
                case "base64", "BASE64", "Base64" -> BASE64;
                case "hex" -> HEX;
                case "HEX" -> HEX_UPPER;
                case "none", "NONE" -> {
                    if (!allowNone) {
                        throw new IllegalArgumentException("unsupported encoding '" + word + "'");
                    }
                    yield NONE;
                }
                default -> throw new IllegalArgumentException("unsupported encoding '" + word
                        + "' (base64, hex or HEX" + (allowNone ? ", none" : "") + ")");
            };
        }

        String encode(byte[] data) {
            return switch (this) {
                case BASE64 -> Base64.getEncoder().encodeToString(data);
                case HEX -> HexFormat.of().formatHex(data);
                case HEX_UPPER -> HexFormat.of().withUpperCase().formatHex(data);
                case NONE -> new String(data, StandardCharsets.ISO_8859_1);
            };
        }

        byte[] decode(String text) {
            return switch (this) {
                case BASE64 -> Base64.getMimeDecoder().decode(text.strip());
                case HEX, HEX_UPPER -> HexFormat.of().parseHex(text.strip());
                case NONE -> text.getBytes(StandardCharsets.UTF_8);
            };
        }
    }

    /** {@code SQLPasswordOptions}. */
    enum Option { HASH_PASSWORD, HASH_ENCODE_PASSWORD, HASH_SALT, HASH_ENCODE_SALT }

    /** A salt and whether it goes before the password (Prepend) or after it (Append, the default). */
    record Salt(byte[] data, boolean prepend) {
    }

    /** {@code SQLPasswordPBKDF2 digest iterations length}. */
    record Pbkdf2(String digest, int iterations, int length) {
    }

    /** mod_sql_passwd's settings, with the salts already read. */
    record Settings(boolean engine, Encoding encoding, Salt fileSalt, Salt userSalt, Set<Option> options, int rounds,
            boolean sensitiveCost, int argon2Length, int scryptLength, Pbkdf2 pbkdf2) {
        static final Settings NONE = new Settings(false, Encoding.HEX, null, null, Set.of(), 1, false, 32, 32, null);
    }

    /** The outcome of one check, with a reason for the SQLLogFile when it is not a plain mismatch. */
    record Result(boolean ok, String reason) {
        static final Result OK = new Result(true, null);
        static final Result MISMATCH = new Result(false, null);

        static Result error(String reason) {
            return new Result(false, reason);
        }
    }

    /** Checks a password against the stored value with one type. */
    static Result check(Type type, String stored, String password, Settings s, Backend backend) {
        if (type.fromPasswdModule() && !s.engine()) {
            return Result.error("SQLPasswordEngine disabled; unable to handle " + type.displayName()
                    + " SQLAuthType");
        }
        return switch (type) {
            case PLAINTEXT -> !stored.isEmpty() && same(stored, password) ? Result.OK : Result.MISMATCH;
            case EMPTY -> stored.isEmpty() ? Result.OK : Result.MISMATCH;
            case CRYPT -> crypt(stored, password);
            case OPENSSL -> openssl(stored, password);
            case BACKEND -> backend(stored, password, backend);
            case MD5 -> digest("MD5", stored, password, s);
            case SHA1 -> digest("SHA-1", stored, password, s);
            case SHA256 -> digest("SHA-256", stored, password, s);
            case SHA512 -> digest("SHA-512", stored, password, s);
            case BCRYPT -> bcrypt(stored, password);
            case ARGON2 -> argon2(stored, password, s);
            case PBKDF2 -> pbkdf2(stored, password, s);
            case SCRYPT -> scrypt(stored, password, s);
        };
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ mod_sql's own types

    private static Result crypt(String stored, String password) {
        if (stored.isEmpty()) {
            return Result.MISMATCH;
        }
        if (isBcrypt(stored)) {
            return bcrypt(stored, password);
        }
        boolean supported = stored.startsWith("$1$") || stored.startsWith("$5$") || stored.startsWith("$6$")
                || stored.length() == 13 && stored.matches("[./0-9A-Za-z]{13}");
        if (!supported) {
            return Result.error("unsupported crypt(3) scheme '" + scheme(stored) + "'");
        }
        try {
            return same(Crypt.crypt(password.getBytes(StandardCharsets.UTF_8), stored), stored) ? Result.OK
                    : Result.MISMATCH;
        } catch (IllegalArgumentException e) {
            return Result.error("malformed crypt(3) value: " + e.getMessage());
        }
    }

    private static String scheme(String stored) {
        int second = stored.indexOf('$', 1);
        return stored.startsWith("$") && second > 0 ? stored.substring(0, second + 1) : "DES?";
    }

    private static boolean isBcrypt(String stored) {
        return stored.startsWith("$2a$") || stored.startsWith("$2b$") || stored.startsWith("$2y$")
                || stored.startsWith("$2x$");
    }

    private static Result bcrypt(String stored, String password) {
        if (!isBcrypt(stored)) {
            return Result.error("not a bcrypt value");
        }
        try {
            return OpenBSDBCrypt.checkPassword(stored, password.toCharArray()) ? Result.OK : Result.MISMATCH;
        } catch (IllegalArgumentException | org.bouncycastle.crypto.DataLengthException e) {
            return Result.error("malformed bcrypt value: " + e.getMessage());
        }
    }

    /** {@code {digest}base64(digest(password))}, as OpenSSL's EVP names the digests. */
    private static Result openssl(String stored, String password) {
        if (!stored.startsWith("{")) {
            return Result.error("no digest found in password hash");
        }
        int close = stored.indexOf('}');
        if (close < 0) {
            return Result.error("no terminating '}' for digest");
        }
        String name = stored.substring(1, close);
        String algorithm = jdkDigest(name);
        if (algorithm == null) {
            return Result.error("no such digest '" + name + "' supported");
        }
        byte[] hash = jdk(algorithm).digest(password.getBytes(StandardCharsets.UTF_8));
        return same(Base64.getEncoder().encodeToString(hash), stored.substring(close + 1)) ? Result.OK
                : Result.MISMATCH;
    }

    static String jdkDigest(String opensslName) {
        return switch (opensslName.toLowerCase(Locale.ROOT).replace("-", "")) {
            case "md5" -> "MD5";
            case "sha1", "sha" -> "SHA-1";
            case "sha224" -> "SHA-224";
            case "sha256" -> "SHA-256";
            case "sha384" -> "SHA-384";
            case "sha512" -> "SHA-512";
            default -> null;
        };
    }

    /** MySQL's {@code PASSWORD()}: {@code *} and the upper-case hex of SHA1(SHA1(password)). */
    private static Result backend(String stored, String password, Backend backend) {
        if (backend != Backend.MYSQL) {
            return Result.error("the " + backend + " backend has no Backend password type");
        }
        if (stored.isEmpty()) {
            return Result.MISMATCH;
        }
        MessageDigest sha1 = jdk("SHA-1");
        byte[] once = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
        String expected = "*" + HexFormat.of().withUpperCase().formatHex(sha1.digest(once));
        return same(expected, stored.toUpperCase(Locale.ROOT)) ? Result.OK : Result.MISMATCH;
    }

    // ------------------------------------------------------------------ mod_sql_passwd's types

    /**
     * {@code ENCODE(HASH(prefix + data + suffix))}, repeated {@code SQLPasswordRounds} times, with the
     * salts and {@code SQLPasswordOptions} of mod_sql_passwd.
     */
    static Result digest(String algorithm, String stored, String password, Settings s) {
        MessageDigest md = jdk(algorithm);
        byte[] prefix = null;
        byte[] suffix = null;
        boolean salted = s.fileSalt() != null || s.userSalt() != null;
        for (Salt salt : new Salt[] {s.fileSalt(), s.userSalt()}) {
            if (salt == null || salt.data().length == 0) {
                continue;
            }
            byte[] part = salt.data();
            if (s.options().contains(Option.HASH_SALT) || s.options().contains(Option.HASH_ENCODE_SALT)) {
                part = md.digest(part);
                if (s.options().contains(Option.HASH_ENCODE_SALT)) {
                    part = s.encoding().encode(part).getBytes(StandardCharsets.ISO_8859_1);
                }
            }
            if (salt.prepend()) {
                prefix = part;
            } else {
                suffix = part;
            }
        }
        byte[] data = password.getBytes(StandardCharsets.UTF_8);
        boolean hashPassword = s.options().contains(Option.HASH_PASSWORD)
                || s.options().contains(Option.HASH_ENCODE_PASSWORD);
        if (hashPassword && !(s.options().contains(Option.HASH_ENCODE_PASSWORD) && !salted)) {
            data = md.digest(data);
            if (s.options().contains(Option.HASH_ENCODE_PASSWORD)) {
                data = s.encoding().encode(data).getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        md.reset();
        if (prefix != null) {
            md.update(prefix);
        }
        md.update(data);
        if (suffix != null) {
            md.update(suffix);
        }
        String encoded = s.encoding().encode(md.digest());
        for (int round = 1; round < s.rounds(); round++) {
            encoded = s.encoding().encode(md.digest(encoded.getBytes(StandardCharsets.ISO_8859_1)));
        }
        return !stored.isEmpty() && same(encoded, stored) ? Result.OK : Result.MISMATCH;
    }

    /**
     * Argon2: a PHC string ({@code $argon2id$v=19$m=65536,t=3,p=4$salt$hash}) is checked with its own
     * parameters; anything else is mod_sql_passwd's raw form (libsodium's argon2i, 16 bytes of salt from
     * SQLPasswordUserSalt or SQLPasswordSaltFile, SQLPasswordCost limits, SQLPasswordEncoding).
     */
    private static Result argon2(String stored, String password, Settings s) {
        if (stored.startsWith("$argon2")) {
            return argon2Phc(stored, password);
        }
        byte[] salt = salt(s);
        if (salt == null) {
            return Result.error("no salt configured (argon2 requires salt)");
        }
        if (salt.length != 16) {
            return Result.error("argon2 requires 16 bytes of salt (" + salt.length + " bytes of salt configured)");
        }
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_i)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withSalt(salt)
                .withIterations(s.sensitiveCost() ? 8 : 4)
                .withMemoryAsKB(s.sensitiveCost() ? 512 * 1024 : 32 * 1024).withParallelism(1).build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[s.argon2Length()];
        gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return !stored.isEmpty() && same(s.encoding().encode(out), stored) ? Result.OK : Result.MISMATCH;
    }

    private static Result argon2Phc(String stored, String password) {
        String[] parts = stored.split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash  (the version field is optional)
        try {
            int k = 1;
            int type = switch (parts[k++]) {
                case "argon2i" -> Argon2Parameters.ARGON2_i;
                case "argon2d" -> Argon2Parameters.ARGON2_d;
                case "argon2id" -> Argon2Parameters.ARGON2_id;
                default -> throw new IllegalArgumentException("unknown variant " + parts[1]);
            };
            int version = Argon2Parameters.ARGON2_VERSION_10;
            if (parts[k].startsWith("v=")) {
                version = Integer.parseInt(parts[k++].substring(2));
            }
            int m = 0;
            int t = 0;
            int p = 0;
            for (String kv : parts[k++].split(",")) {
                int v = Integer.parseInt(kv.substring(2));
                switch (kv.charAt(0)) {
                    case 'm' -> m = v;
                    case 't' -> t = v;
                    case 'p' -> p = v;
                    default -> throw new IllegalArgumentException("unknown parameter " + kv);
                }
            }
            Base64.Decoder b64 = Base64.getDecoder();
            byte[] salt = b64.decode(parts[k++]);
            byte[] expected = b64.decode(parts[k]);
            if (m < 8 || m > 4 * 1024 * 1024 || t < 1 || t > 1000 || p < 1 || p > 64 || expected.length < 4) {
                return Result.error("argon2 parameters out of range in stored value");
            }
            Argon2BytesGenerator gen = new Argon2BytesGenerator();
            gen.init(new Argon2Parameters.Builder(type).withVersion(version).withSalt(salt).withIterations(t)
                    .withMemoryAsKB(m).withParallelism(p).build());
            byte[] out = new byte[expected.length];
            gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
            return MessageDigest.isEqual(out, expected) ? Result.OK : Result.MISMATCH;
        } catch (RuntimeException e) {
            return Result.error("malformed argon2 value: " + e.getMessage());
        }
    }

    private static Result pbkdf2(String stored, String password, Settings s) {
        Pbkdf2 cfg = s.pbkdf2();
        if (cfg == null) {
            return Result.error("no SQLPasswordPBKDF2 configured");
        }
        byte[] salt = salt(s);
        if (salt == null) {
            return Result.error("no salt configured (PBKDF2 requires salt)");
        }
        Digest digest = bcDigest(cfg.digest());
        if (digest == null) {
            return Result.error("unsupported PBKDF2 digest '" + cfg.digest() + "'");
        }
        PKCS5S2ParametersGenerator gen = new PKCS5S2ParametersGenerator(digest);
        gen.init(password.getBytes(StandardCharsets.UTF_8), salt, cfg.iterations());
        byte[] key = ((KeyParameter) gen.generateDerivedParameters(cfg.length() * 8)).getKey();
        return !stored.isEmpty() && same(s.encoding().encode(key), stored) ? Result.OK : Result.MISMATCH;
    }

    static Digest bcDigest(String name) {
        String jdk = jdkDigest(name);
        if (jdk == null) {
            return null;
        }
        return switch (jdk) {
            case "MD5" -> new MD5Digest();
            case "SHA-1" -> new SHA1Digest();
            case "SHA-224" -> new SHA224Digest();
            case "SHA-256" -> new SHA256Digest();
            case "SHA-384" -> new SHA384Digest();
            default -> new SHA512Digest();
        };
    }

    private static Result scrypt(String stored, String password, Settings s) {
        byte[] salt = salt(s);
        if (salt == null) {
            return Result.error("no salt configured (scrypt requires salt)");
        }
        if (salt.length != 32) {
            return Result.error("scrypt requires 32 bytes of salt (" + salt.length + " bytes of salt configured)");
        }
        int n = s.sensitiveCost() ? 1 << 20 : 1 << 14;
        byte[] out = SCrypt.generate(password.getBytes(StandardCharsets.UTF_8), salt, n, 8, 1, s.scryptLength());
        return !stored.isEmpty() && same(s.encoding().encode(out), stored) ? Result.OK : Result.MISMATCH;
    }

    /** The user salt if there is one, else the file salt (mod_sql_passwd prefers user salts). */
    private static byte[] salt(Settings s) {
        if (s.userSalt() != null && s.userSalt().data().length > 0) {
            return s.userSalt().data();
        }
        return s.fileSalt() == null ? null : s.fileSalt().data();
    }

    private static MessageDigest jdk(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from the JDK", e);
        }
    }
}

package org.modftpd.mod_sql;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.spi.FtpModule;
import org.modftpd.spi.ModulePriority;
import org.osgi.service.component.annotations.Component;

/**
 * mod_sql_passwd.c: the directives that configure the MD5, SHA1, SHA256, SHA512, Bcrypt, Argon2,
 * PBKDF2 and Scrypt {@code SQLAuthTypes}. The checks themselves run in mod_sql.c; this module exists
 * so that {@code <IfModule mod_sql_passwd.c>} sections of existing configurations apply.
 */
@Component(service = FtpModule.class)
public final class SqlPasswdModule implements FtpModule {

    /** A salt directive: where the salt comes from, and Prepend or Append. */
    record SaltSource(String source, boolean prepend) {
    }

    static final DirectiveSpec<Boolean> SQL_PASSWORD_ENGINE = DirectiveSpec.flag("SQLPasswordEngine", false).build();

    static final DirectiveSpec<Passwords.Encoding> SQL_PASSWORD_ENCODING = DirectiveSpec.builder(
            "SQLPasswordEncoding", args -> Passwords.Encoding.parse(args.get(0), false)).args(1, 1)
            .defaultValue(Passwords.Encoding.HEX).build();

    static final DirectiveSpec<Passwords.Encoding> SQL_PASSWORD_SALT_ENCODING = DirectiveSpec.builder(
            "SQLPasswordSaltEncoding", args -> Passwords.Encoding.parse(args.get(0), true)).args(1, 1)
            .defaultValue(Passwords.Encoding.NONE).build();

    static final DirectiveSpec<SaltSource> SQL_PASSWORD_SALT_FILE = DirectiveSpec.builder("SQLPasswordSaltFile",
            args -> {
                String path = args.get(0);
                if (!path.equalsIgnoreCase("none") && !path.startsWith("/")) {
                    throw new IllegalArgumentException("'" + path + "' is not an absolute path");
                }
                return new SaltSource(path, prepend(args));
            }).args(1, 2).build();

    static final DirectiveSpec<SaltSource> SQL_PASSWORD_USER_SALT = DirectiveSpec.builder("SQLPasswordUserSalt",
            args -> {
                String source = args.get(0);
                if (!source.equalsIgnoreCase("name") && !source.equalsIgnoreCase("uid")
                        && !source.toLowerCase(Locale.ROOT).startsWith("sql:/")) {
                    throw new IllegalArgumentException("badly formatted parameter '" + source
                            + "' (name, uid or sql:/named-query)");
                }
                return new SaltSource(source, prepend(args));
            }).args(1, 2).build();

    static final DirectiveSpec<Set<Passwords.Option>> SQL_PASSWORD_OPTIONS = DirectiveSpec.builder(
            "SQLPasswordOptions", args -> {
                Set<Passwords.Option> set = EnumSet.noneOf(Passwords.Option.class);
                for (String a : args) {
                    set.add(switch (a.toLowerCase(Locale.ROOT)) {
                        case "hashpassword" -> Passwords.Option.HASH_PASSWORD;
                        case "hashencodepassword" -> Passwords.Option.HASH_ENCODE_PASSWORD;
                        case "hashsalt" -> Passwords.Option.HASH_SALT;
                        case "hashencodesalt" -> Passwords.Option.HASH_ENCODE_SALT;
                        default -> throw new IllegalArgumentException("unknown SQLPasswordOption '" + a + "'");
                    });
                }
                return Set.copyOf(set);
            }).args(1, 4).defaultValue(Set.of()).build();

    static final DirectiveSpec<Long> SQL_PASSWORD_ROUNDS = DirectiveSpec.number("SQLPasswordRounds", 1, 1,
            1_000_000).build();

    static final DirectiveSpec<Boolean> SQL_PASSWORD_COST = DirectiveSpec.builder("SQLPasswordCost",
            args -> switch (args.get(0).toLowerCase(Locale.ROOT)) {
                case "interactive" -> false;
                case "sensitive" -> true;
                default -> throw new IllegalArgumentException("unknown cost '" + args.get(0)
                        + "' (interactive or sensitive)");
            }).args(1, 1).defaultValue(false).build();

    static final DirectiveSpec<Long> SQL_PASSWORD_ARGON2 = DirectiveSpec.number("SQLPasswordArgon2", 32, 16, 1024)
            .build();

    static final DirectiveSpec<Long> SQL_PASSWORD_SCRYPT = DirectiveSpec.number("SQLPasswordScrypt", 32, 16, 1024)
            .build();

    /** {@code SQLPasswordPBKDF2 digest iterations length}, or {@code sql:/named-query} (kept as text). */
    static final DirectiveSpec<List<String>> SQL_PASSWORD_PBKDF2 = DirectiveSpec.builder("SQLPasswordPBKDF2",
            args -> {
                if (args.size() == 1) {
                    if (!args.get(0).toLowerCase(Locale.ROOT).startsWith("sql:/")) {
                        throw new IllegalArgumentException("expected digest iterations length, or sql:/named-query");
                    }
                    return List.copyOf(args);
                }
                if (args.size() != 3) {
                    throw new IllegalArgumentException("expected digest iterations length");
                }
                pbkdf2(args.get(0), args.get(1), args.get(2));
                return List.copyOf(args);
            }).args(1, 3).build();

    private static boolean prepend(List<String> args) {
        if (args.size() < 2) {
            return false;
        }
        return switch (args.get(1).toLowerCase(Locale.ROOT)) {
            case "prepend" -> true;
            case "append" -> false;
            default -> throw new IllegalArgumentException("unknown salt flag '" + args.get(1) + "'");
        };
    }

    /** Validates and builds PBKDF2 settings (from the directive or from a per-user query). */
    static Passwords.Pbkdf2 pbkdf2(String digest, String iterations, String length) {
        if (Passwords.bcDigest(digest) == null) {
            throw new IllegalArgumentException("unsupported PBKDF2 digest '" + digest + "'");
        }
        int iter = (int) DirectiveSpec.parseNumber(iterations.strip(), 1, Integer.MAX_VALUE);
        int len = (int) DirectiveSpec.parseNumber(length.strip(), 1, 1024);
        return new Passwords.Pbkdf2(digest, iter, len);
    }

    @Override
    public String name() {
        return "mod_sql_passwd.c";
    }

    @Override
    public int priority() {
        return ModulePriority.CONTRIB + 1;
    }

    @Override
    public List<DirectiveSpec<?>> directives() {
        return List.of(SQL_PASSWORD_ENGINE, SQL_PASSWORD_ENCODING, SQL_PASSWORD_SALT_ENCODING, SQL_PASSWORD_SALT_FILE,
                SQL_PASSWORD_USER_SALT, SQL_PASSWORD_OPTIONS, SQL_PASSWORD_ROUNDS, SQL_PASSWORD_COST,
                SQL_PASSWORD_ARGON2, SQL_PASSWORD_SCRYPT, SQL_PASSWORD_PBKDF2);
    }
}

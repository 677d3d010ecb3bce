package org.modftpd.mod_sql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.modftpd.api.Config;
import org.modftpd.api.Session;
import org.modftpd.mod_sql.Database.DbException;
import org.modftpd.mod_sql.SessionState.UserRow;
import org.modftpd.mod_sql.SqlDirectives.NamedQuery;
import org.modftpd.mod_sql.SqlPasswdModule.SaltSource;
import org.modftpd.mod_sql.SqlTemplate.TemplateException;

/** Resolves mod_sql_passwd's directives for one password check: salts read, per-user queries run. */
final class PasswdSettings {

    private PasswdSettings() {
    }

    static Passwords.Settings resolve(SqlModule module, Session s, SqlConfig cfg, SessionState st, UserRow row)
            throws DbException, TemplateException {
        Config c = s.config();
        boolean engine = c.value(SqlPasswdModule.SQL_PASSWORD_ENGINE);
        if (!engine) {
            return Passwords.Settings.NONE;
        }
        Passwords.Encoding saltEncoding = c.value(SqlPasswdModule.SQL_PASSWORD_SALT_ENCODING);
        Passwords.Salt fileSalt = null;
        Optional<SaltSource> file = c.get(SqlPasswdModule.SQL_PASSWORD_SALT_FILE);
        if (file.isPresent() && !file.get().source().equalsIgnoreCase("none")) {
            try {
                String text = Files.readString(Path.of(file.get().source()), StandardCharsets.ISO_8859_1);
                if (text.endsWith("\n")) {
                    text = text.substring(0, text.length() - 1);
                }
                byte[] data = saltEncoding == Passwords.Encoding.NONE ? text.getBytes(StandardCharsets.ISO_8859_1)
                        : saltEncoding.decode(text);
                fileSalt = new Passwords.Salt(data, file.get().prepend());
            } catch (IOException | IllegalArgumentException e) {
                module.log(s, cfg, "mod_sql_passwd: unable to read SQLPasswordSaltFile '" + file.get().source() + "': "
                        + e.getMessage());
            }
        }
        Passwords.Salt userSalt = null;
        Optional<SaltSource> user = c.get(SqlPasswdModule.SQL_PASSWORD_USER_SALT);
        if (user.isPresent()) {
            String source = user.get().source();
            String lower = source.toLowerCase(Locale.ROOT);
            byte[] data = null;
            if (lower.equals("name")) {
                data = s.requestedUser().orElse(row.account().name()).getBytes(StandardCharsets.UTF_8);
            } else if (lower.equals("uid")) {
                data = Long.toString(row.account().uid()).getBytes(StandardCharsets.UTF_8);
            } else {
                String v = lookup(module, s, cfg, source.substring(5), row.account().name());
                if (v != null) {
                    try {
                        data = saltEncoding == Passwords.Encoding.NONE ? v.getBytes(StandardCharsets.UTF_8)
                                : saltEncoding.decode(v);
                    } catch (IllegalArgumentException e) {
                        module.log(s, cfg, "mod_sql_passwd: cannot decode the salt of user '" + row.account().name()
                                + "': " + e.getMessage());
                    }
                }
            }
            if (data != null) {
                userSalt = new Passwords.Salt(data, user.get().prepend());
            }
        }
        Passwords.Pbkdf2 pbkdf2 = null;
        Optional<List<String>> p = c.get(SqlPasswdModule.SQL_PASSWORD_PBKDF2);
        if (p.isPresent()) {
            List<String> args = p.get();
            if (args.size() == 3) {
                pbkdf2 = SqlPasswdModule.pbkdf2(args.get(0), args.get(1), args.get(2));
            } else {
                NamedQuery q = cfg.queries().get(args.get(0).substring(5));
                if (q != null) {
                    List<List<String>> rows = module.runNamed(s, cfg, null, q, List.of(row.account().name())).rows();
                    if (!rows.isEmpty() && rows.get(0).size() == 3) {
                        List<String> r = rows.get(0);
                        try {
                            pbkdf2 = SqlPasswdModule.pbkdf2(r.get(0), r.get(1), r.get(2));
                        } catch (IllegalArgumentException e) {
                            module.log(s, cfg, "mod_sql_passwd: SQLNamedQuery '" + q.name() + "': " + e.getMessage());
                        }
                    }
                } else {
                    module.log(s, cfg, "mod_sql_passwd: unable to resolve SQLNamedQuery '" + args.get(0) + "'");
                }
            }
        }
        return new Passwords.Settings(true, c.value(SqlPasswdModule.SQL_PASSWORD_ENCODING), fileSalt, userSalt,
                c.value(SqlPasswdModule.SQL_PASSWORD_OPTIONS), (int) (long) c.value(SqlPasswdModule.SQL_PASSWORD_ROUNDS),
                c.value(SqlPasswdModule.SQL_PASSWORD_COST), (int) (long) c.value(SqlPasswdModule.SQL_PASSWORD_ARGON2),
                (int) (long) c.value(SqlPasswdModule.SQL_PASSWORD_SCRYPT), pbkdf2);
    }

    /** The first value of a named query with {@code %{0}} the user name, or null. */
    private static String lookup(SqlModule module, Session s, SqlConfig cfg, String name, String user)
            throws DbException, TemplateException {
        NamedQuery q = cfg.queries().get(name);
        if (q == null) {
            module.log(s, cfg, "mod_sql_passwd: unable to resolve SQLNamedQuery '" + name + "'");
            return null;
        }
        return module.runNamed(s, cfg, null, q, List.of(user)).first();
    }
}

package org.modftpd.example.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.api.GroupAccount;
import org.modftpd.api.Session;
import org.modftpd.api.UserAccount;
import org.modftpd.spi.AuthAnswer;
import org.modftpd.spi.AuthProvider;
import org.modftpd.spi.AuthResult;
import org.modftpd.spi.FtpModule;
import org.osgi.service.component.annotations.Component;

/**
 * An auth module in one class: users come from {@code ExampleAuthUser} lines in proftpd.conf,
 * each with the SHA-256 of its password in hex and a home directory:
 *
 * <pre>
 * &lt;IfModule mod_auth_example.c&gt;
 *   ExampleAuthUser  frank  5e884898da28...  /srv/ftp/frank
 *   AuthOrder        mod_auth_example.c mod_auth_file.c
 * &lt;/IfModule&gt;
 * </pre>
 *
 * It registers one {@link FtpModule} service; the server finds it, learns its directive, and asks
 * it in the order {@code AuthOrder} gives.
 */
@Component(service = FtpModule.class)
public final class ExampleAuthModule implements FtpModule, AuthProvider {

    /** One user line. */
    record ExampleUser(String name, byte[] sha256, String home) {
    }

    static final DirectiveSpec<ExampleUser> EXAMPLE_AUTH_USER = DirectiveSpec.builder("ExampleAuthUser", args -> {
        byte[] digest;
        try {
            digest = HexFormat.of().parseHex(args.get(1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + args.get(1) + "' is not a hex SHA-256 digest");
        }
        if (digest.length != 32) {
            throw new IllegalArgumentException("a SHA-256 digest has 64 hex digits");
        }
        if (!args.get(2).startsWith("/")) {
            throw new IllegalArgumentException("home '" + args.get(2) + "' is not an absolute path");
        }
        return new ExampleUser(args.get(0), digest, args.get(2));
    }).args(3, 3).repeatable().build();

    private static final long UID = 5000;
    private static final long GID = 5000;

    @Override
    public String name() {
        return "mod_auth_example.c";
    }

    @Override
    public List<DirectiveSpec<?>> directives() {
        return List.of(EXAMPLE_AUTH_USER);
    }

    @Override
    public Optional<AuthProvider> authProvider() {
        return Optional.of(this);
    }

    @Override
    public AuthAnswer<UserAccount> findUser(Session session, String name) {
        return find(session, name)
                .map(u -> AuthAnswer.found(new UserAccount(u.name(), UID, GID, u.home(), "/bin/sh")))
                .orElse(AuthAnswer.declined());
    }

    @Override
    public AuthResult authenticate(Session session, UserAccount user, String password) {
        Optional<ExampleUser> u = find(session, user.name());
        if (u.isEmpty()) {
            return AuthResult.DECLINED;
        }
        return MessageDigest.isEqual(sha256(password), u.get().sha256()) ? AuthResult.OK : AuthResult.BAD_PASSWORD;
    }

    @Override
    public AuthAnswer<List<GroupAccount>> groupsOf(Session session, UserAccount user) {
        if (find(session, user.name()).isEmpty()) {
            return AuthAnswer.declined();
        }
        return AuthAnswer.found(List.of(new GroupAccount("example", GID, List.of(user.name()))));
    }

    private static Optional<ExampleUser> find(Session session, String name) {
        return session.config().getAll(EXAMPLE_AUTH_USER).stream().filter(u -> u.name().equals(name)).findFirst();
    }

    private static byte[] sha256(String password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

package org.modftpd.mod_auth_file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modftpd.api.Config;
import org.modftpd.api.ConfigSection;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.api.FileView;
import org.modftpd.api.GroupAccount;
import org.modftpd.api.Identity;
import org.modftpd.api.Session;
import org.modftpd.api.SessionLog;
import org.modftpd.api.UserAccount;
import org.modftpd.spi.AuthAnswer;
import org.modftpd.spi.AuthResult;

class AuthFileModuleTest {

    // openssl passwd -6 -salt saltsalt secret
    private static final String SECRET = "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77"
            + "vwPZN.Pq.H91p5hVO1";

    /** The configuration values a session sees. */
    static final class FakeConfig implements Config {
        final Map<DirectiveSpec<?>, Object> values = new HashMap<>();

        <T> void set(DirectiveSpec<T> spec, List<String> args) {
            values.put(spec, spec.parse(args));
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> Optional<T> get(DirectiveSpec<T> spec) {
            return Optional.ofNullable((T) values.get(spec));
        }

        @Override
        public <T> List<T> getAll(DirectiveSpec<T> spec) {
            return get(spec).map(List::of).orElse(List.of());
        }

        @Override
        public List<ConfigSection> sections(String name) {
            return List.of();
        }

        @Override
        public Config forPath(Path realPath) {
            return this;
        }

        @Override
        public boolean moduleLoaded(String moduleName) {
            return moduleName.equals("mod_auth_file.c");
        }
    }

    /** A session that only has a configuration and a log. */
    static final class FakeSession implements Session {
        final FakeConfig config = new FakeConfig();
        final List<String> log = new ArrayList<>();

        @Override
        public String id() {
            return "1";
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress("127.0.0.1", 40000);
        }

        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress("127.0.0.1", 21);
        }

        @Override
        public Instant connectedAt() {
            return Instant.EPOCH;
        }

        @Override
        public Optional<String> connectionClass() {
            return Optional.empty();
        }

        @Override
        public Optional<Identity> identity() {
            return Optional.empty();
        }

        @Override
        public Optional<String> requestedUser() {
            return Optional.empty();
        }

        @Override
        public Config config() {
            return config;
        }

        @Override
        public FileView files() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, Object> notes() {
            return new HashMap<>();
        }

        @Override
        public void send(int code, String text) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void applyOverlay(List<ConfigSection> sections) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void disconnect(String reason) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }

        @Override
        public boolean allowed(String command, java.nio.file.Path path) {
            return true;
        }

        @Override
        public java.util.Optional<org.modftpd.api.Identity> lookup(String userName) {
            return java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<String> variable(String token) {
            return java.util.Optional.empty();
        }

        @Override
        public SessionLog log() {
            return new SessionLog() {
                @Override
                public void debug(String message) {
                    log.add("debug: " + message);
                }

                @Override
                public void info(String message) {
                    log.add("info: " + message);
                }

                @Override
                public void notice(String message) {
                    log.add("notice: " + message);
                }

                @Override
                public void warn(String message) {
                    log.add("warn: " + message);
                }

                @Override
                public void error(String message) {
                    log.add("error: " + message);
                }
            };
        }
    }

    @TempDir
    Path tmp;

    private Path dir;
    private Path passwd;
    private Path group;
    private final AuthFileModule module = new AuthFileModule();
    private final FakeSession session = new FakeSession();

    @BeforeEach
    void files() throws IOException {
        dir = Files.createDirectory(tmp.resolve("etc"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        passwd = write("ftpd.passwd", String.join("\n",
                "alice:" + SECRET + ":1000:100:Alice:/home/alice:/bin/sh",
                "bob:" + SECRET + ":20:100::/srv/bob:/bin/sh",
                "empty::1001:100::/home/empty:/bin/sh",
                "locked:!" + SECRET + ":1002:100::/home/locked:/bin/sh",
                "star:*:1003:100::/home/star:/bin/sh",
                "plain:secret:1004:100::/home/plain:/bin/sh",
                "broken line",
                ""));
        group = write("ftpd.group", String.join("\n",
                "ftp:x:200:alice,carol",
                "users:x:100:",
                "staff:x:300:bob,alice",
                "admins:x:5:alice",
                ""));
        session.config.set(AuthFileModule.AUTH_USER_FILE, List.of(passwd.toString()));
        session.config.set(AuthFileModule.AUTH_GROUP_FILE, List.of(group.toString()));
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    private UserAccount found(String name) {
        AuthAnswer<UserAccount> a = module.findUser(session, name);
        assertTrue(a.isFound(), name + ": " + a);
        return a.value();
    }

    @Test
    void findsUsersFromTheFile() {
        assertEquals(new UserAccount("alice", 1000, 100, "/home/alice", "/bin/sh"), found("alice"));
        assertTrue(module.findUser(session, "nobody").isDeclined());
        assertTrue(module.findUser(session, "Alice").isDeclined(), "names are case-sensitive");
        assertEquals(List.of("warn: " + passwd + ":7: malformed entry (expected 7 fields, found 1), skipped"),
                session.log);
    }

    @Test
    void withoutAuthUserFileEverythingIsDeclined() {
        FakeSession bare = new FakeSession();
        assertTrue(module.findUser(bare, "alice").isDeclined());
        assertEquals(AuthResult.DECLINED, module.authenticate(bare, found("alice"), "secret"));
        assertTrue(module.groupsOf(bare, found("alice")).isDeclined());
        assertTrue(module.findGroup(bare, "ftp").isDeclined());
    }

    @Test
    void passwordChecks() {
        assertEquals(AuthResult.OK, module.authenticate(session, found("alice"), "secret"));
        assertEquals(AuthResult.BAD_PASSWORD, module.authenticate(session, found("alice"), "wrong"));
        assertEquals(AuthResult.DISABLED, module.authenticate(session, found("empty"), ""));
        assertEquals(AuthResult.DISABLED, module.authenticate(session, found("locked"), "secret"));
        assertEquals(AuthResult.DISABLED, module.authenticate(session, found("star"), "*"));
        assertEquals(AuthResult.BAD_PASSWORD, module.authenticate(session, found("plain"), "secret"));
        UserAccount ghost = new UserAccount("ghost", 1, 1, "/", "");
        assertEquals(AuthResult.NO_SUCH_USER, module.authenticate(session, ghost, "secret"));
        assertTrue(session.log.contains("notice: USER empty: empty password field in " + passwd
                + " is not allowed"), session.log.toString());
        assertTrue(session.log.contains("warn: USER plain: unsupported password hash scheme in " + passwd),
                session.log.toString());
    }

    @Test
    void idHomeAndNameFiltersHideUsers() {
        session.config.set(AuthFileModule.AUTH_USER_FILE, List.of(passwd.toString(), "id", "1000-1999"));
        assertTrue(module.findUser(session, "bob").isDeclined());
        found("alice");
        session.config.set(AuthFileModule.AUTH_USER_FILE, List.of(passwd.toString(), "home", "^/home/"));
        assertTrue(module.findUser(session, "bob").isDeclined());
        found("alice");
        session.config.set(AuthFileModule.AUTH_USER_FILE, List.of(passwd.toString(), "name", "!^a"));
        assertTrue(module.findUser(session, "alice").isDeclined());
        found("bob");
        assertEquals(AuthResult.NO_SUCH_USER, module.authenticate(session,
                new UserAccount("alice", 1000, 100, "/home/alice", "/bin/sh"), "secret"));
    }

    @Test
    void groupsArePrimaryFirstThenMembershipsInFileOrder() {
        AuthAnswer<List<GroupAccount>> groups = module.groupsOf(session, found("alice"));
        assertEquals(List.of("users", "ftp", "staff", "admins"),
                groups.value().stream().map(GroupAccount::name).toList());
        assertEquals(List.of("alice", "carol"), groups.value().get(1).members());
        assertEquals(new GroupAccount("ftp", 200, List.of("alice", "carol")), module.findGroup(session, "ftp").value());
        assertTrue(module.findGroup(session, "nope").isDeclined());
    }

    @Test
    void groupFiltersApply() {
        session.config.set(AuthFileModule.AUTH_GROUP_FILE, List.of(group.toString(), "id", "100-299"));
        assertEquals(List.of("users", "ftp"),
                module.groupsOf(session, found("alice")).value().stream().map(GroupAccount::name).toList());
        assertTrue(module.findGroup(session, "admins").isDeclined());
        session.config.set(AuthFileModule.AUTH_GROUP_FILE, List.of(group.toString(), "name", "^s"));
        assertEquals(List.of("staff"),
                module.groupsOf(session, found("alice")).value().stream().map(GroupAccount::name).toList());
    }

    @Test
    void insecureFilesAreRefusedUnlessAllowed() throws IOException {
        Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(module.findUser(session, "alice").isDeclined());
        assertEquals(List.of("error: unable to use " + passwd
                + ": is world-readable (use AuthFileOptions InsecurePerms to allow it)"), session.log);
        session.config.set(AuthFileModule.AUTH_FILE_OPTIONS, List.of("InsecurePerms"));
        found("alice");
    }

    @Test
    void missingFileIsDeclinedAndLogged() {
        Path missing = dir.resolve("missing.passwd");
        session.config.set(AuthFileModule.AUTH_USER_FILE, List.of(missing.toString()));
        assertTrue(module.findUser(session, "alice").isDeclined());
        assertEquals(List.of("error: unable to open " + missing + ": No such file or directory"), session.log);
    }

    @Test
    void changedFileIsReadAgain() throws IOException {
        found("alice");
        assertTrue(module.findUser(session, "zed").isDeclined());
        Files.writeString(passwd, Files.readString(passwd) + "zed:" + SECRET + ":3000:100::/home/zed:/bin/sh\n");
        assertEquals(3000, found("zed").uid());
        assertEquals(2, session.log.stream().filter(l -> l.contains("malformed")).count(),
                "the malformed line is reported again on each re-read");
    }
}

package org.modftpd.itest.sql;

import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.Before;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * A server with mod_sql and a database of the test class's own (see {@link TestDatabase}).
 * {@code AuthOrder mod_sql.c mod_auth_file.c}; the configuration holds the connection lines, and each
 * test adds its mod_sql directives with {@link #reconfigure}. The tables are created on first use
 * inside the framework and dropped after the class.
 */
public abstract class SqlTestSupport extends ServerTestSupport {

    static final String NAME_PROPERTY = "modftpd.test.sql.name";

    /** SQL users: name, password, stored value (each SQLAuthTypes scheme once). */
    static final List<String[]> AUTH_USERS = List.of(
            new String[] {"c_md5", "c_md5-pw", "$1$cmd5salt$XmbML3u4t/k8D7lI54lu9."},
            new String[] {"c_sha256", "c_sha256-pw", "$5$csha256salt$yRD8m.ioF5WiVkf0cPJxNzV/mybqAy1/jE9c8.dcvP8"},
            new String[] {"c_sha512", "c_sha512-pw", "$6$csha512salt$o.4ZhaU7B3B0reeIkp7AuZVHq/EVgU9ChJ5CMS9rZOI88w7Ey"
                    + "6Hr.ERcgI6FGApr4vMw8ybb8QHTioNUSdcy30"},
            new String[] {"c_bcrypt", "c_bcrypt-pw", "$2y$06$ABCDEFGHIJKLMNOPQRSTUu/UYM8m0CN8ESvmQm7afIJSPU4UiDzUK"},
            new String[] {"plain", "plain-pw", "plain-pw"},
            new String[] {"o_md5", "o_md5-pw", "{md5}KXWLI8u//b7Oh9a40KpdZA=="},
            new String[] {"o_sha1", "o_sha1-pw", "{sha1}5PNH5oJcYjKoXWJBlpG8EZKCK0E="},
            new String[] {"o_sha256", "o_sha256-pw", "{sha256}dfQxvhfPHWhFKBivd1EGyhBlZlKZZAc4uLSSJmlQb6A="},
            new String[] {"o_sha512", "o_sha512-pw", "{sha512}PPJbhtWTaKEFQZMe4mxYOqpZaDUd3/mpSf7mODGF6FYL56GbPEBuPrFqG9u"
                    + "DglHBCBJ+hmU4010BaXDdE6Q/hg=="},
            new String[] {"p_md5", "p_md5-pw", "026332dfce70bf61ff801a798a528497"},
            new String[] {"p_sha1", "p_sha1-pw", "dc8e7515b711c7cfce82edf0373d8f9544158a69"},
            new String[] {"p_sha256", "p_sha256-pw", "af09e4db54c0bd43e4e9a8b4ee979405d7cba0aec87ce4fdb8411c2ec11688fb"},
            new String[] {"p_sha512", "p_sha512-pw", "b8f3f3b3279a155837f80d59a3979e34cdf002b228ab5159a45a571d63cec29fb14"
                    + "d9a96af11674ae9280e537803417851e9bdccbf029ac1035c69c0f6e55c00"},
            new String[] {"bcr", "bcr-pw", "$2b$06$abcdefghijklmnopqrstuu24Eumw.llYoAed3JYMAT.0wsI0EY/Zu"},
            new String[] {"arg", "arg-pw", "$argon2id$v=19$m=19456,t=2,p=1$YXJnc2FsdC0xNmJ5dGVzIQ$LLDYkJ9bB0BK0GezDlh"
                    + "vEKeKwt4kokbV4XtCMD0eGLQ"});

    /** Stored by mod_sql_passwd's rules: SHA256 base64, and argon2i (libsodium) with a 16-byte salt. */
    static final String[] BASE64_USER = {"b_sha256", "b_sha256-pw", "Ulejnfa53iK4bNZgcwXGI6haHvgN10lp9k1AjNEnIUM="};
    static final String[] ARGON2_RAW_USER = {"argraw", "argraw-pw",
        "ffe39a315507204bf2f69a5a53c170c3597c2d29b5512dc57acbe9dd674f2833"};
    static final String ARGON2_RAW_SALT = "0123456789abcdef";

    private String name;

    private static TestDatabase database;
    private static SqlDb db;

    /** Which database the class uses. */
    protected abstract TestDatabase.Kind kind();

    /** Lines after the connection lines (directives every test of the class shares). */
    protected String sqlConfiguration(Provision.Env env) {
        return "";
    }

    /** Extra framework properties (mod_sql tunables such as modftpd.sql.poolIdleSeconds). */
    protected Map<String, String> frameworkProperties() {
        return Map.of();
    }

    @Override
    protected String authOrder() {
        return "mod_sql.c mod_auth_file.c";
    }

    @Override
    protected List<String> modules() {
        return List.of("mod_auth_file.jar", "mod_sql.jar");
    }

    @Override
    protected final String configuration(Provision.Env env) {
        name = TestDatabase.newName(kind(), getClass().getSimpleName(), env.dir());
        return TestDatabase.of(kind(), name).connectionConfig() + "DefaultRoot ~\nAllowOverwrite on\n"
                + sqlConfiguration(env);
    }

    @Configuration
    @Override
    public Option[] config() throws IOException {
        List<Option> options = new ArrayList<>(Arrays.asList(super.config()));
        options.add(frameworkProperty(NAME_PROPERTY).value(name));
        // the PostgreSQL driver's Unix socket fragment: installed before the driver resolves, not started
        options.add(org.ops4j.pax.exam.CoreOptions.bundle(Provision.dist().resolve("modules/mod_sql_pgsocket.jar").toUri()
                .toString()).noStart());
        frameworkProperties().forEach((k, v) -> options.add(frameworkProperty(k).value(v)));
        return options.toArray(Option[]::new);
    }

    // ------------------------------------------------------------------ inside the framework

    @Before
    public void prepareDatabase() throws Exception {
        if (database == null) {
            TestDatabase d = TestDatabase.of(kind(), context.getProperty(NAME_PROPERTY));
            d.create(context);
            database = d;
            db = d.open(context);
            dropWhenTheFrameworkStops(d);
            seed();
        }
    }

    /**
     * pax-exam runs {@code @AfterClass} after every test method, so the class's database is dropped
     * when the framework begins to stop instead (everything, the drivers included, still runs then).
     */
    private void dropWhenTheFrameworkStops(TestDatabase d) {
        atFrameworkStop("drop the test database " + d.name, d::drop);
    }

    /** Something to clean up outside the framework (tables in another database, ...). */
    @FunctionalInterface
    protected interface Cleanup {
        void run() throws Exception;
    }

    /** Runs a clean-up action when the framework begins to stop. */
    protected void atFrameworkStop(String what, Cleanup action) {
        BundleContext system = context.getBundle(0).getBundleContext();
        system.addBundleListener(new SynchronousBundleListener() {
            @Override
            public void bundleChanged(BundleEvent event) {
                if (event.getBundle().getBundleId() == 0 && event.getType() == BundleEvent.STOPPING) {
                    system.removeBundleListener(this);
                    try {
                        action.run();
                    } catch (Exception e) {
                        System.err.println("unable to " + what + ": " + e);
                    }
                }
            }
        });
    }

    /** Fills the tables once per class; the default adds {@link #AUTH_USERS} and their groups. */
    protected void seed() throws Exception {
        for (String[] u : AUTH_USERS) {
            addUser(u[0], u[2], 2000, 2000);
        }
        addUser(BASE64_USER[0], BASE64_USER[2], 2000, 2000);
        addUser(ARGON2_RAW_USER[0], ARGON2_RAW_USER[2], 2000, 2000);
        addUser("empty", "", 2000, 2000);
        db.update("INSERT INTO " + table("groups") + " (groupname, gid, members) VALUES (?, ?, ?)", "ftpusers", 2000,
                "");
    }

    protected static SqlDb db() {
        return db;
    }

    protected static TestDatabase database() {
        return database;
    }

    protected static String table(String base) {
        return database.table(base);
    }

    /** The home of an SQL user (created on demand). */
    protected Path sqlHome(String user) throws IOException {
        return Files.createDirectories(dir().resolve("sqlhome").resolve(user));
    }

    protected void addUser(String user, String stored, long uid, long gid) throws Exception {
        db.update("INSERT INTO " + table("users") + " (userid, passwd, uid, gid, homedir, shell) VALUES (?, ?, ?, ?, ?, ?)",
                user, stored, uid, gid, sqlHome(user).toString(), "/bin/sh");
    }

    /** Waits (at most {@code seconds}) for a condition that something else makes true. */
    protected static void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Object monitor = new Object();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            synchronized (monitor) {
                monitor.wait(50);
            }
        }
    }

    /** The test's BundleContext (for helpers outside test methods). */
    protected BundleContext bundleContext() {
        return context;
    }
}

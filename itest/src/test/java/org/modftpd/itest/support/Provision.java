package org.modftpd.itest.support;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarFile;
import org.modftpd.launcher.RunFile;
import org.ops4j.pax.exam.Option;

/**
 * Builds a test server's world before the framework starts (this class runs outside OSGi): a
 * working folder with users, groups, homes and an anonymous root, a proftpd.conf, and the pax-exam
 * options that boot exactly the bundles of the distribution's {@code conf/modftpd.bndrun}.
 */
public final class Provision {

    /** Test users: name, password, crypt hash (each scheme mod_auth_file supports appears once). */
    public static final String ALICE_PASSWORD = "alice-pw";
    public static final String BOB_PASSWORD = "bob-pw";
    public static final String CAROL_PASSWORD = "carol-pw";
    public static final String DAVE_PASSWORD = "dave-pw";
    public static final String ERIN_PASSWORD = "erin-pw";

    private static final String PASSWD = String.join("\n",
            "alice:$6$alicesalt$HFdxLk8wA2OrrIRe2fi88/dNWjVgW3Rgo//Lrtub09NaZ00EjCmK5ofIco9Wv57xiylXKDqqLmvAlfRMjg85W/"
                    + ":1001:1001:Alice:@DIR@/home/alice:/bin/sh",
            "bob:$5$bobsalt$WEQIKO9zeVTS31TZAx3PDU0Aj4WpgAch5RoXs2CVkVD:1002:1001:Bob:@DIR@/home/bob:/bin/sh",
            "carol:$1$carols$nOh.x.vV9wUJYbDj3R55j/:1003:1003:Carol:@DIR@/home/carol:/bin/sh",
            "dave:$2y$06$KBCwKxOzLha2MUDgW0PjXe3EQiGI1Jd9cCqLFEZM8kuxvR3yIYX.y:1004:1001:Dave:@DIR@/home/dave:/bin/sh",
            "erin:erPlELpu0qDG6:1005:1001:Erin:@DIR@/home/erin:/bin/sh",
            "locked:!$6$x$y:1006:1001:Locked:@DIR@/home/locked:/bin/sh",
            "empty::1007:1001:Empty:@DIR@/home/empty:/bin/sh",
            "ftp:*:1099:1099:Anonymous:@DIR@/anon:/usr/sbin/nologin",
            "this line is malformed",
            "shelly:$6$alicesalt$HFdxLk8wA2OrrIRe2fi88/dNWjVgW3Rgo//Lrtub09NaZ00EjCmK5ofIco9Wv57xiylXKDqqLmvAlfRMjg85W/"
                    + ":1008:1001:Shelly (alice's password, no valid shell):@DIR@/home/shelly:/usr/sbin/nologin",
            "");
    private static final String GROUP = String.join("\n",
            "users:x:1001:alice,bob,dave,erin",
            "staff:x:1010:bob",
            "carol:x:1003:",
            "ftp:x:1099:",
            "anonftp:x:1020:carol",
            "");

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private Provision() {
    }

    /** The test server's folder and port. */
    public record Env(Path dir, int port) {
        public Path config() {
            return dir.resolve("proftpd.conf");
        }

        public Path dropIn() {
            return dir.resolve("modules");
        }

        public Path home(String user) {
            return dir.resolve("home").resolve(user);
        }

        public Path anon() {
            return dir.resolve("anon");
        }
    }

    public static Path dist() {
        return Path.of(System.getProperty("modftpd.dist", "../cnf/target/modftpd")).toAbsolutePath().normalize();
    }

    /** A fresh folder with etc/passwd, etc/group, homes, an anonymous root, and a free port. */
    public static Env environment(String name) throws IOException {
        Path base = Path.of("target", "itest-work").toAbsolutePath();
        Files.createDirectories(base);
        Path dir = base.resolve(name + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet());
        Files.createDirectories(dir);
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwx------"));
        write(etc.resolve("passwd"), PASSWD.replace("@DIR@", dir.toString()), "rw-------");
        write(etc.resolve("group"), GROUP, "rw-------");
        for (String user : List.of("alice", "bob", "carol", "dave", "erin", "locked", "empty", "shelly")) {
            Files.createDirectories(dir.resolve("home").resolve(user));
        }
        Files.createDirectories(dir.resolve("anon/pub"));
        Files.writeString(dir.resolve("anon/pub/hello.txt"), "hello, anonymous\n");
        Files.createDirectories(dir.resolve("modules"));
        return new Env(dir, freePort());
    }

    private static void write(Path p, String text, String perms) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The lines every test configuration starts with: loopback only, the test users, logs in the folder. */
    public static String prologue(Env env) {
        return prologue(env, "mod_auth_file.c");
    }

    /** The prologue with another AuthOrder. */
    public static String prologue(Env env, String authOrder) {
        return String.join("\n",
                "ServerName \"modftpd test\"",
                "ServerType standalone",
                "Port " + env.port(),
                "DefaultAddress 127.0.0.1 ::1",
                "SocketBindTight on",
                "DefaultServer on",
                "UseIPv6 on",
                "TransferLog none",
                "SystemLog " + env.dir().resolve("system.log"),
                "AuthOrder " + authOrder,
                "AuthUserFile " + env.dir().resolve("etc/passwd"),
                "AuthGroupFile " + env.dir().resolve("etc/group"),
                "TimeoutIdle 120",
                "");
    }

    /**
     * The pax-exam options for a server on this configuration: the distribution's bundles with their
     * start levels, the module bundles, commons-net and JUnit for the probe.
     *
     * @param modules the module jars to install at start (file names in the distribution's modules folder)
     */
    public static Option[] server(Env env, String configuration, List<String> modules) throws IOException {
        Files.writeString(env.config(), configuration, StandardCharsets.UTF_8);
        Path dist = dist();
        RunFile run = RunFile.read(dist.resolve("conf/modftpd.bndrun"), Map.of("modftpd.home", env.dir().toString()));
        Map<String, Path> jars = bySymbolicName(dist.resolve("bundle"));
        List<Option> options = new ArrayList<>();
        for (RunFile.RunBundle rb : run.bundles()) {
            if (rb.symbolicName().startsWith("org.apache.felix.gogo.shell")) {
                continue;
            }
            Path jar = jars.get(rb.symbolicName());
            if (jar == null) {
                throw new IllegalStateException(rb.symbolicName() + " is not in " + dist.resolve("bundle"));
            }
            options.add(bundle(jar.toUri().toString()).startLevel(rb.startLevel()));
        }
        for (String m : modules) {
            Path jar = dist.resolve("modules").resolve(m);
            options.add(bundle(jar.toUri().toString()).startLevel(4).start(!fragment(jar)));
        }
        Path helpers = Path.of(System.getProperty("modftpd.itest.bundles", "target/test-bundles"));
        options.add(bundle(helpers.resolve("commons-net.jar").toUri().toString()).startLevel(4));
        options.add(junitBundles());
        options.add(frameworkStartLevel(10));
        options.add(frameworkProperty("org.osgi.framework.startlevel.beginning").value("10"));
        options.add(frameworkProperty("modftpd.config").value(env.config().toString()));
        options.add(frameworkProperty("modftpd.test.dir").value(env.dir().toString()));
        options.add(frameworkProperty("modftpd.test.bundles").value(helpers.toAbsolutePath().toString()));
        options.add(frameworkProperty("modftpd.test.port").value(Integer.toString(env.port())));
        options.add(frameworkProperty("felix.fileinstall.dir").value(env.dropIn().toString()));
        options.add(frameworkProperty("felix.fileinstall.poll").value("200"));
        options.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
        options.add(frameworkProperty("felix.fileinstall.start.level").value("4"));
        options.add(frameworkProperty("org.osgi.framework.storage").value(env.dir().resolve("felix-cache").toString()));
        options.add(systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("info"));
        return options.toArray(Option[]::new);
    }

    private static Map<String, Path> bySymbolicName(Path folder) throws IOException {
        Map<String, Path> map = new HashMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*.jar")) {
            for (Path jar : stream) {
                try (JarFile f = new JarFile(jar.toFile())) {
                    String bsn = f.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
                    if (bsn != null) {
                        map.put(bsn.split(";")[0].strip(), jar);
                    }
                }
            }
        }
        return map;
    }

    /** Whether a jar is a fragment (installed, never started). */
    private static boolean fragment(Path jar) throws IOException {
        try (java.util.jar.JarFile f = new java.util.jar.JarFile(jar.toFile())) {
            return f.getManifest().getMainAttributes().getValue("Fragment-Host") != null;
        }
    }
}

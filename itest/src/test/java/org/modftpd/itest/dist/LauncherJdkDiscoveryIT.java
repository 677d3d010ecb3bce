package org.modftpd.itest.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * bin/modftpd finds a JDK 21 or newer by itself (README: "in JAVA_HOME, on the PATH or under
 * /usr/lib/jvm") even when the first {@code java} on the PATH, or JAVA_HOME, is a JDK 17. Which JVM
 * ran is read from {@code -XshowSettings:properties} passed through JAVA_OPTS.
 */
public class LauncherJdkDiscoveryIT {

    private static final Path JVMS = Path.of("/usr/lib/jvm");
    private static final Pattern SPEC = Pattern.compile("(?m)^\\s*java\\.specification\\.version = (\\d+)$");
    private static final Pattern HOME = Pattern.compile("(?m)^\\s*java\\.home = (.+)$");

    private static DistHome dist;
    private static Path jdk17;
    private static Path newest;

    @BeforeClass
    public static void findJdks() throws IOException {
        jdk17 = jdkWithMajor(17).orElse(null);
        newest = jdks().filter(j -> major(j) >= 21).max(Comparator.comparingInt(LauncherJdkDiscoveryIT::major))
                .orElse(null);
        dist = DistHome.copy();
    }

    @AfterClass
    public static void remove() throws IOException {
        if (dist != null) {
            dist.close();
        }
    }

    private static Stream<Path> jdks() throws IOException {
        if (!Files.isDirectory(JVMS)) {
            return Stream.empty();
        }
        try (Stream<Path> s = Files.list(JVMS)) {
            return s.filter(j -> Files.isExecutable(j.resolve("bin/java")) && Files.isRegularFile(j.resolve("release")))
                    .toList().stream();
        }
    }

    private static Optional<Path> jdkWithMajor(int wanted) throws IOException {
        return jdks().filter(j -> major(j) == wanted).findFirst();
    }

    /** JAVA_VERSION="17.0.15" in the JDK's release file. */
    private static int major(Path jdk) {
        try {
            Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(jdk.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void assumeJdks() {
        Assume.assumeTrue("a JDK 17 under /usr/lib/jvm", jdk17 != null);
        Assume.assumeTrue("a JDK 21 or newer under /usr/lib/jvm", newest != null);
    }

    private static DistHome.Result run(Map<String, String> env, Set<String> unset, String... args) throws Exception {
        return dist.run(env, unset, args);
    }

    private static int usedMajor(DistHome.Result r) {
        Matcher m = SPEC.matcher(r.stderr());
        assertTrue("the JVM's settings in\n" + r, m.find());
        return Integer.parseInt(m.group(1));
    }

    private static Path usedHome(DistHome.Result r) throws IOException {
        Matcher m = HOME.matcher(r.stderr());
        assertTrue("java.home in\n" + r, m.find());
        return Path.of(m.group(1).strip()).toRealPath();
    }

    @Test
    public void jdk17FirstOnThePathWithoutJavaHome() throws Exception {
        assumeJdks();
        Path conf = dist.writeConfig("jdk.conf", DistHome.loopbackConfig(DistHome.freePort(), "jdk"));
        Map<String, String> env = Map.of("PATH", jdk17.resolve("bin") + ":/usr/bin:/bin",
                "JAVA_OPTS", "-XshowSettings:properties");

        DistHome.Result version = run(env, Set.of("JAVA_HOME"), "-v");
        assertEquals(version.toString(), 0, version.exitCode());
        assertTrue(version.toString(), version.stdout().startsWith("modftpd "));
        assertTrue(version.toString(), usedMajor(version) >= 21);
        assertTrue(version.toString(), usedHome(version).startsWith(JVMS));

        DistHome.Result check = run(env, Set.of("JAVA_HOME"), "-t", "-c", conf.toString());
        assertEquals(check.toString(), 0, check.exitCode());
        assertTrue(check.toString(), check.stderr().endsWith("Checking syntax of configuration file\nSyntax OK\n"));
        assertTrue(check.toString(), usedMajor(check) >= 21);
    }

    @Test
    public void javaHomeOnAJdk17FallsThroughToANewerJdk() throws Exception {
        assumeJdks();
        DistHome.Result r = run(Map.of("JAVA_HOME", jdk17.toString(), "PATH", jdk17.resolve("bin") + ":/usr/bin:/bin",
                "JAVA_OPTS", "-XshowSettings:properties"), Set.of(), "-v");

        assertEquals(r.toString(), 0, r.exitCode());
        assertTrue(r.toString(), usedMajor(r) >= 21);
        assertTrue(r.toString(), usedHome(r).startsWith(JVMS));
    }

    @Test
    public void javaHomeOnANewJdkIsUsed() throws Exception {
        assumeJdks();
        DistHome.Result r = run(Map.of("JAVA_HOME", newest.toString(), "PATH", jdk17.resolve("bin") + ":/usr/bin:/bin",
                "JAVA_OPTS", "-XshowSettings:properties"), Set.of(), "-v");

        assertEquals(r.toString(), 0, r.exitCode());
        assertEquals(r.toString(), newest.toRealPath(), usedHome(r));
    }

    @Test
    public void theReleaseFileBesideAJavaDecidesAndWithoutOneTheJavaIsAsked() throws Exception {
        assumeJdks();
        // two JAVA_HOMEs whose java runs the newest JDK, marking the JVM with -Dvia.wrapper=...
        Path saysOld = wrappedJdk("says-17", "JAVA_VERSION=\"17.0.1\"\n");
        Path noRelease = wrappedJdk("no-release", null);

        // the release file says 17: the launcher believes it without running that java, and moves on
        DistHome.Result believed = run(Map.of("JAVA_HOME", saysOld.toString(), "PATH", jdk17.resolve("bin") + ":/usr/bin:/bin",
                "JAVA_OPTS", "-XshowSettings:properties"), Set.of(), "-v");
        assertEquals(believed.toString(), 0, believed.exitCode());
        assertTrue(believed.toString(), !believed.stderr().contains("via.wrapper"));
        assertTrue(believed.toString(), usedMajor(believed) >= 21);

        // no release file: that java is asked for its version (the newest JDK's) and is used
        DistHome.Result probed = run(Map.of("JAVA_HOME", noRelease.toString(), "PATH", jdk17.resolve("bin") + ":/usr/bin:/bin",
                "JAVA_OPTS", "-XshowSettings:properties"), Set.of(), "-v");
        assertEquals(probed.toString(), 0, probed.exitCode());
        assertTrue(probed.toString(), probed.stderr().contains("via.wrapper = no-release"));
    }

    @Test
    public void aJdk25LaunchUsesTheAotCacheMadeByTheBuild() throws Exception {
        assumeJdks();
        Assume.assumeTrue("a JDK 25 or newer under /usr/lib/jvm", major(newest) >= 25);
        assertTrue("the build made lib/modftpd.aot", Files.isRegularFile(dist.path("lib/modftpd.aot")));
        Map<String, String> env = Map.of("JAVA_HOME", newest.toString(), "JAVA_OPTS", "-Xlog:class+load");

        DistHome.Result cached = run(env, Set.of(), "-v");
        assertEquals(cached.toString(), 0, cached.exitCode());
        assertTrue(cached.toString(), cached.stdout().contains("org.modftpd.launcher.Main source: shared objects file"));

        // class-sharing options of the operator's own replace the cache instead of clashing with it
        DistHome.Result own = run(Map.of("JAVA_HOME", newest.toString(), "JAVA_OPTS", "-Xshare:off -Xlog:class+load"),
                Set.of(), "-v");
        assertEquals(own.toString(), 0, own.exitCode());
        assertTrue(own.toString(), own.stdout().contains("org.modftpd.launcher.Main source: file:"));
    }

    /** A JDK-like folder whose bin/java runs the newest JDK with -Dvia.wrapper=NAME. */
    private static Path wrappedJdk(String name, String release) throws IOException {
        Path home = dist.scratch().resolve(name);
        Path java = home.resolve("bin/java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\nexec " + newest.resolve("bin/java") + " -Dvia.wrapper=" + name + " \"$@\"\n");
        assertTrue(java.toFile().setExecutable(true));
        if (release != null) {
            Files.writeString(home.resolve("release"), release);
        }
        return home;
    }

    @Test
    public void javaHomeThatDoesNotExistFallsThrough() throws Exception {
        assumeJdks();
        DistHome.Result r = run(Map.of("JAVA_HOME", dist.scratch().resolve("no-jdk-here").toString(),
                "PATH", jdk17.resolve("bin") + ":/usr/bin:/bin", "JAVA_OPTS", "-XshowSettings:properties"), Set.of(), "-v");

        assertEquals(r.toString(), 0, r.exitCode());
        assertTrue(r.toString(), usedMajor(r) >= 21);
    }
}

package org.modftpd.itest.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * {@code bin/modftpd -t}: "Syntax OK" and status 0, or every problem as {@code file:line: problem},
 * "Syntax check failed" and status 1 (README, "Running the server"); and the command line itself
 * ({@code -h}, {@code -v}, usage errors with status 2).
 */
public class DistSyntaxCheckIT {

    private static final String HEADER = "Checking syntax of configuration file";

    private static DistHome dist;
    private static int port;

    @BeforeClass
    public static void copyDistribution() throws IOException {
        dist = DistHome.copy();
        port = DistHome.freePort();
    }

    @AfterClass
    public static void removeDistribution() throws IOException {
        if (dist != null) {
            dist.close();
        }
    }

    @Test
    public void goodFileIsSyntaxOkAndLeavesNothingInTheTemporaryFolder() throws Exception {
        Path conf = dist.writeConfig("good.conf", DistHome.loopbackConfig(port, "good",
                "<IfModule mod_ldap.c>", "  LDAPServer ldap://127.0.0.1/", "</IfModule>",
                "<Anonymous \"%{env:MODFTPD_HOME}/srv/anon\">", "  User ftp", "  Group ftp",
                "  UserAlias anonymous ftp", "  <Limit WRITE>", "    DenyAll", "  </Limit>", "</Anonymous>"));
        Path tmp = Files.createDirectories(dist.scratch().resolve("java-tmp"));

        DistHome.Result r = dist.run(Map.of("JAVA_OPTS", "-Djava.io.tmpdir=" + tmp), Set.of(),
                "-t", "-c", conf.toString());

        assertEquals(r.toString(), 0, r.exitCode());
        assertEquals(r.toString(), List.of(HEADER, "Syntax OK"), r.stderrLines());
        assertEquals(r.toString(), "", r.stdout());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals("the check's framework storage must be removed", List.of(), left.toList());
        }
    }

    @Test
    public void everyProblemIsReportedWithFileAndLine() throws Exception {
        Path conf = dist.writeConfig("bad.conf", String.join("\n",
                "ServerName \"bad\"",
                "Port " + port,
                "Frobnicate on",
                "LDAPServer ldap://127.0.0.1/",
                "TimeoutIdle soon",
                "PassivePorts 60000 50000",
                "<IfModule mod_sql.c>",
                "  SQLAuthTypes Plaintext",
                "</IfModule>",
                ""));

        DistHome.Result r = dist.run("-t", "-c", conf.toString());

        assertEquals(r.toString(), 1, r.exitCode());
        assertEquals(r.toString(), List.of(HEADER,
                conf + ":3: unknown configuration directive 'Frobnicate'",
                conf + ":4: directive 'LDAPServer' is provided by mod_ldap.c, which is not loaded",
                conf + ":5: TimeoutIdle: expected a number, not 'soon'",
                conf + ":6: PassivePorts: maximum port 50000 is below minimum 60000",
                "Syntax check failed"), r.stderrLines());
        assertEquals(r.toString(), "", r.stdout());
    }

    @Test
    public void unclosedSectionIsReportedWhereItOpens() throws Exception {
        Path conf = dist.writeConfig("unclosed.conf", String.join("\n",
                "Port " + port,
                "<Directory /srv/ftp>",
                "  AllowOverwrite on",
                ""));

        DistHome.Result r = dist.run("-t", "-c", conf.toString());

        assertEquals(r.toString(), 1, r.exitCode());
        assertEquals(r.toString(), List.of(HEADER, conf + ":2: <Directory> is never closed", "Syntax check failed"),
                r.stderrLines());
    }

    @Test
    public void ifDefineCountsOnlyWithDashD() throws Exception {
        Path conf = dist.writeConfig("defines.conf", String.join("\n",
                "ServerName \"defines\"",
                "Port " + port,
                "<IfDefine STRICT>",
                "  NoSuchDirective on",
                "</IfDefine>",
                "<IfDefine !STRICT>",
                "  ServerIdent on \"relaxed\"",
                "</IfDefine>",
                ""));
        List<String> failed = List.of(HEADER, conf + ":4: unknown configuration directive 'NoSuchDirective'",
                "Syntax check failed");

        DistHome.Result without = dist.run("-t", "-c", conf.toString());
        assertEquals(without.toString(), 0, without.exitCode());
        assertEquals(without.toString(), List.of(HEADER, "Syntax OK"), without.stderrLines());

        DistHome.Result separate = dist.run("-t", "-D", "STRICT", "-c", conf.toString());
        assertEquals(separate.toString(), 1, separate.exitCode());
        assertEquals(separate.toString(), failed, separate.stderrLines());

        DistHome.Result joined = dist.run("-t", "-DSTRICT", "-c", conf.toString());
        assertEquals(joined.toString(), 1, joined.exitCode());
        assertEquals(joined.toString(), failed, joined.stderrLines());
    }

    @Test
    public void shortOptionsCombineAsWithGetopt() throws Exception {
        Path conf = dist.writeConfig("clusters.conf", String.join("\n",
                "ServerName \"clusters\"",
                "Port " + port,
                "<IfDefine STRICT>",
                "  NoSuchDirective on",
                "</IfDefine>",
                ""));
        // -t inside a cluster keeps the script in the foreground, as -n does: a detached -t would
        // answer "modftpd started" instead of the check's result
        DistHome.Result good = dist.run("-qtc", conf.toString());
        assertEquals(good.toString(), 0, good.exitCode());
        assertEquals(good.toString(), List.of(HEADER, "Syntax OK"), good.stderrLines());

        DistHome.Result strict = dist.run("-tDSTRICT", "-c" + conf);
        assertEquals(strict.toString(), 1, strict.exitCode());
        assertEquals(strict.toString(), List.of(HEADER, conf + ":4: unknown configuration directive 'NoSuchDirective'",
                "Syntax check failed"), strict.stderrLines());

        // the value of a long option is taken as it is, even when it looks like a cluster
        Path dashed = Files.copy(conf, dist.scratch().resolve("-nq.conf"));
        DistHome.Result longValue = dist.run("-t", "--config", dashed.getFileName().toString());
        assertEquals(longValue.toString(), 0, longValue.exitCode());
        assertEquals(longValue.toString(), List.of(HEADER, "Syntax OK"), longValue.stderrLines());

        assertUsageError(dist.run("-tx"), "modftpd: unknown option '-x'");
        assertUsageError(dist.run("-nd", "loud"), "modftpd: -d needs a number, not 'loud'");
    }

    @Test
    public void includeIsRelativeToTheIncludingFileAndProblemsNameTheIncludedFile() throws Exception {
        Path included = dist.writeConfig("conf.d/extra.conf", "TimeoutIdle 300\nFrobnicate twice\n");
        Path conf = dist.writeConfig("include.conf", "Port " + port + "\nInclude conf.d/*.conf\n");

        DistHome.Result r = dist.run("-t", "-c", conf.toString());

        assertEquals(r.toString(), 1, r.exitCode());
        assertEquals(r.toString(), List.of(HEADER, included + ":2: unknown configuration directive 'Frobnicate'",
                "Syntax check failed"), r.stderrLines());
    }

    @Test
    public void includeOfAMissingFileIsAnErrorWithFileAndLine() throws Exception {
        Path missing = dist.scratch().resolve("no-such-dir/missing.conf");
        Path conf = dist.writeConfig("missing-include.conf",
                "ServerName \"include\"\nPort " + port + "\nInclude " + missing + "\n");

        DistHome.Result r = dist.run("-t", "-c", conf.toString());

        assertEquals(r.toString(), 1, r.exitCode());
        assertEquals(r.toString(), List.of(HEADER, conf + ":3: Include " + missing + ": No such file or directory",
                "Syntax check failed"), r.stderrLines());
    }

    @Test
    public void missingConfigurationFileIsAnError() throws Exception {
        Path missing = dist.scratch().resolve("nowhere.conf");

        DistHome.Result r = dist.run("-t", "-c", missing.toString());

        assertEquals(r.toString(), 1, r.exitCode());
        assertEquals(r.toString(), List.of(HEADER, missing + ": cannot read " + missing + ": No such file or directory",
                "Syntax check failed"), r.stderrLines());
    }

    @Test
    public void daemonOnlyDirectivesAreSyntaxOk() throws Exception {
        Path conf = dist.writeConfig("daemon.conf", DistHome.loopbackConfig(port, "daemon",
                "PidFile /var/run/proftpd.pid", "ScoreboardFile /var/run/proftpd.scoreboard", "WtmpLog off",
                "User nobody", "Group nogroup"));

        DistHome.Result r = dist.run("-t", "-c", conf.toString());

        assertEquals(r.toString(), 0, r.exitCode());
        assertEquals(r.toString(), List.of(HEADER, "Syntax OK"), r.stderrLines());
    }

    @Test
    public void helpPrintsUsageAndExitsZero() throws Exception {
        for (String option : List.of("-h", "--help")) {
            DistHome.Result r = dist.run(option);
            assertEquals(r.toString(), 0, r.exitCode());
            assertTrue(r.toString(), r.stdout().startsWith("usage: modftpd [options]\n"));
            for (String documented : List.of("-c, --config FILE", "-t, --configtest", "-D, --define NAME",
                    "-n, --nodaemon", "-q, --quiet", "-d, --debug LEVEL", "--shell", "-v, --version", "-h, --help")) {
                assertTrue(documented + " in\n" + r, r.stdout().contains(documented));
            }
            assertEquals(r.toString(), "", r.stderr());
        }
    }

    @Test
    public void versionIsPrinted() throws Exception {
        DistHome.Result r = dist.run("-v");
        assertEquals(r.toString(), 0, r.exitCode());
        assertTrue(r.toString(), r.stdout().matches("modftpd \\d+\\.\\d+\\.\\d+\\S*\n"));
    }

    @Test
    public void usageErrorsExitTwoWithTheUsage() throws Exception {
        // without -n the script detaches: the status must still be the launcher's
        assertUsageError(dist.run("-x"), "modftpd: unknown option '-x'");
        assertUsageError(dist.run("-n", "--frobnicate"), "modftpd: unknown option '--frobnicate'");
        assertUsageError(dist.run("-n", "-d", "verbose"), "modftpd: -d needs a number, not 'verbose'");
        assertUsageError(dist.run("-t", "-c"), "modftpd: -c needs a value");
        assertTrue("a failed start leaves no pid file", Files.notExists(dist.path("var/run/modftpd.pid")));
    }

    private static void assertUsageError(DistHome.Result r, String message) {
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.toString(), r.stderr().contains(message + "\nusage: modftpd [options]\n"));
        assertTrue(r.toString(), r.took().toSeconds() < 20);
    }
}

package org.modftpd.core.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modftpd.core.internal.config.TestConfigs.build;
import static org.modftpd.core.internal.config.TestConfigs.mainView;
import static org.modftpd.core.internal.config.TestConfigs.problems;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.modftpd.api.ContextKind;
import org.modftpd.core.internal.modules.CoreDirectives;
import org.modftpd.core.internal.modules.CoreDirectives.Umask;

class ConfigBuilderTest {

    private static final String NOTICE = " has no effect in modftpd (one JVM serves every session); ignored";

    private static ConfigView view(Configuration c, int server) {
        return ConfigView.of(c, c.servers().get(server).node(), null, null);
    }

    // ------------------------------------------------------------------ directive problems

    @Test
    void unknownDirective() {
        assertEquals(List.of("test.conf:2: unknown configuration directive 'Bogus'"), problems("Port 21\nBogus 1\n"));
    }

    @Test
    void directiveOfAKnownModuleThatIsNotLoaded() {
        assertEquals(List.of("test.conf:1: directive 'SQLConnectInfo' is provided by mod_sql.c, which is not loaded",
                "test.conf:2: directive 'authuserfile' is provided by mod_auth_file.c, which is not loaded"),
                problems("SQLConnectInfo db@localhost user pass\nauthuserfile /etc/ftpd.passwd\n"));
    }

    @Test
    void sectionOfAKnownModuleThatIsNotLoadedAndUnknownSection() {
        assertEquals(List.of("test.conf:1: section <IfUser> is provided by mod_ifsession.c, which is not loaded",
                "test.conf:3: unknown configuration section <Frobnicate>"),
                problems("<IfUser alice>\n</IfUser>\n<Frobnicate x>\n</Frobnicate>\n"));
    }

    @Test
    void directiveInTheWrongContext() {
        assertEquals(List.of("test.conf:2: ServerName is not allowed in <Limit> context",
                "test.conf:4: Order is not allowed in server config context",
                "test.conf:6: ServerName is not allowed in <Global> context",
                "test.conf:9: SocketBindTight is not allowed in <VirtualHost> context",
                "test.conf:12: TimeoutIdle is not allowed in <Directory> context"),
                problems("""
                        <Limit READ>
                        ServerName x
                        </Limit>
                        Order allow,deny
                        <Global>
                        ServerName g
                        </Global>
                        <VirtualHost 127.0.0.2>
                        SocketBindTight on
                        </VirtualHost>
                        <Directory /srv>
                        TimeoutIdle 5
                        </Directory>
                        """));
    }

    @Test
    void badArgumentsNameTheDirectiveAndTheProblem() {
        assertEquals(List.of("test.conf:1: PassivePorts: maximum port 2000 is below minimum 3000",
                "test.conf:2: Port: expected a number, not 'abc'",
                "test.conf:3: TimesGMT: expected on or off, not 'maybe'",
                "test.conf:4: ServerName: missing parameter",
                "test.conf:5: ServerName: too many parameters (at most 1)",
                "test.conf:6: PassivePorts: needs at least 2 parameters",
                "test.conf:7: Umask: '999' is not an octal mode between 000 and 777",
                "test.conf:8: PassivePorts: 1000 is out of range 1024-65535"),
                problems("PassivePorts 3000 2000\nPort abc\nTimesGMT maybe\nServerName\nServerName a b\n"
                        + "PassivePorts 2000\nUmask 999\nPassivePorts 2000 1000\n"));
    }

    @Test
    void aBadFileReportsEveryProblemAndNothingIsBuilt() {
        List<String> p = problems("Bogus\nPort 21\n<Directory rel>\n</Directory>\nPort x\n");
        assertEquals(List.of("test.conf:1: unknown configuration directive 'Bogus'",
                "test.conf:3: <Directory rel>: relative paths are not allowed",
                "test.conf:5: Port: expected a number, not 'x'"), p);
    }

    // ------------------------------------------------------------------ sections the core owns

    @Test
    void ifModuleByNameNegatedAndWithoutDotC() throws ConfigException {
        Configuration c = build("""
                <IfModule mod_xfer.c>
                AllowOverwrite on
                </IfModule>
                <IfModule !mod_xfer.c>
                Bogus inside an inactive IfModule is not checked
                </IfModule>
                <IfModule mod_sql.c>
                SQLEngine on
                </IfModule>
                <IfModule !mod_sql.c>
                Umask 077
                </IfModule>
                <IfModule mod_ls>
                ShowSymlinks off
                </IfModule>
                <IfModule mod_test.c>
                TestNone yes
                </IfModule>
                """, new TestModule());
        ConfigView v = mainView(c);
        assertEquals(Optional.of(true), v.get(CoreDirectives.ALLOW_OVERWRITE));
        assertEquals(Optional.of(new Umask(0077, 0077)), v.get(CoreDirectives.UMASK));
        assertEquals(Optional.of(false), v.get(CoreDirectives.SHOW_SYMLINKS));
        assertEquals(Optional.of("yes"), v.get(TestModule.NONE));
        assertEquals(List.of("allowoverwrite", "umask", "showsymlinks", "testnone"),
                new ArrayList<>(c.mainServer().node().allDirectives().keySet()));
    }

    @Test
    void ifModuleTakesOneName() {
        assertEquals(List.of("test.conf:1: <IfModule> takes one module name"),
                problems("<IfModule mod_a.c mod_b.c>\n</IfModule>\n"));
    }

    @Test
    void globalReachesEveryServerAndTheServersOwnValueWins() throws ConfigException {
        Configuration c = build("""
                Umask 077
                TimesGMT off
                <Global>
                  Umask 002
                  AllowOverwrite on
                </Global>
                <VirtualHost 127.0.0.2>
                  Umask 027
                </VirtualHost>
                <VirtualHost 127.0.0.3>
                </VirtualHost>
                """);
        assertEquals(3, c.servers().size());
        assertEquals(Optional.of(new Umask(0077, 0077)), view(c, 0).get(CoreDirectives.UMASK));
        assertEquals(Optional.of(new Umask(0027, 0027)), view(c, 1).get(CoreDirectives.UMASK));
        assertEquals(Optional.of(new Umask(0002, 0002)), view(c, 2).get(CoreDirectives.UMASK));
        for (int i = 0; i < 3; i++) {
            assertEquals(Optional.of(true), view(c, i).get(CoreDirectives.ALLOW_OVERWRITE), "server " + i);
        }
        // a virtual host does not inherit the main server's directives
        assertEquals(Optional.of(false), view(c, 0).get(CoreDirectives.TIMES_GMT));
        assertEquals(Optional.empty(), view(c, 1).get(CoreDirectives.TIMES_GMT));
        assertEquals(Optional.empty(), view(c, 2).get(CoreDirectives.TIMES_GMT));
        assertTrue(c.mainServer().mainServer());
        assertFalse(c.servers().get(1).mainServer());
    }

    @Test
    void globalSectionsReachEveryServer() throws ConfigException {
        Configuration c = build("""
                <Global>
                  <Directory /srv/up>
                    AllowOverwrite on
                  </Directory>
                  <Limit SITE_CHMOD>
                    DenyAll
                  </Limit>
                </Global>
                <VirtualHost 127.0.0.2>
                </VirtualHost>
                """);
        for (ServerConfig s : c.servers()) {
            assertEquals(1, s.node().directories().size(), s.toString());
            assertEquals(List.of("SITE_CHMOD"), s.node().limits().get(0).args(), s.toString());
        }
    }

    @Test
    void globalAndVirtualHostOnlyAtServerLevel() {
        assertEquals(List.of("test.conf:2: <Global> is only allowed in the server config",
                "test.conf:6: <VirtualHost> is only allowed in the server config",
                "test.conf:9: <VirtualHost> needs at least one address"),
                problems("""
                        <VirtualHost 127.0.0.2>
                        <Global>
                        </Global>
                        </VirtualHost>
                        <Directory /x>
                        <VirtualHost 127.0.0.3>
                        </VirtualHost>
                        </Directory>
                        <VirtualHost>
                        </VirtualHost>
                        """));
    }

    @Test
    void anonymousNeedsAUser() {
        assertEquals(List.of("test.conf:1: <Anonymous> needs a User directive"),
                problems("<Anonymous /srv/anon>\nUmask 022\n</Anonymous>\n"));
    }

    @Test
    void anonymousWithAUserBuildsAndItsUserIsNoNotice() throws ConfigException {
        List<String> notices = new ArrayList<>();
        Configuration c = build("<Anonymous /srv/anon>\nUser ftp\nGroup ftp\n</Anonymous>\n", notices::add);
        assertEquals(List.of(), notices);
        ContextNode anon = c.mainServer().node().anonymous().get(0);
        assertEquals(ContextKind.ANONYMOUS, anon.kind());
        assertEquals(List.of("/srv/anon"), anon.args());
        assertEquals("ftp", anon.directives("user").get(0).value(CoreDirectives.USER));
    }

    @Test
    void anonymousWithoutUserInGlobalIsReportedOnce() {
        assertEquals(List.of("test.conf:2: <Anonymous> needs a User directive"),
                problems("<Global>\n<Anonymous /srv/anon>\n</Anonymous>\n</Global>\n"
                        + "<VirtualHost 127.0.0.2>\n</VirtualHost>\n"));
    }

    @Test
    void sectionsInTheWrongPlace() {
        assertEquals(List.of("test.conf:2: <Anonymous> is not allowed in <Directory> context",
                "test.conf:6: <Limit> is not allowed in <Limit> context",
                "test.conf:10: <Class> is only allowed in the server config or <Global>",
                "test.conf:13: <Limit> needs at least one command or command group",
                "test.conf:15: <Anonymous> takes one directory",
                "test.conf:17: <Directory> takes one path",
                "test.conf:19: <Class> takes one name"),
                problems("""
                        <Directory /a>
                        <Anonymous /b>
                        </Anonymous>
                        </Directory>
                        <Limit READ>
                        <Limit WRITE>
                        </Limit>
                        </Limit>
                        <VirtualHost 127.0.0.2>
                        <Class internal>
                        </Class>
                        </VirtualHost>
                        <Limit>
                        </Limit>
                        <Anonymous /a /b>
                        </Anonymous>
                        <Directory /a /b>
                        </Directory>
                        <Class>
                        </Class>
                        """));
    }

    @Test
    void directoryPathsMustBeAbsoluteOrHomeRelative() throws ConfigException {
        assertEquals(List.of("test.conf:1: <Directory pub>: relative paths are not allowed"),
                problems("<Directory pub>\n</Directory>\n"));
        Configuration c = build("<Directory /srv>\n</Directory>\n<Directory ~>\n</Directory>\n"
                + "<Directory ~/up>\n</Directory>\n<Directory *>\n</Directory>\n");
        assertEquals(4, c.mainServer().node().directories().size());
    }

    @Test
    void limitVerbsAreUpperCasedAndCommaSeparated() throws ConfigException {
        Configuration c = build("<Limit read,Write stor>\nDenyAll\n</Limit>\n");
        ContextNode limit = c.mainServer().node().limits().get(0);
        assertEquals(List.of("READ", "WRITE", "STOR"), limit.args());
        assertEquals(ContextKind.LIMIT, limit.kind());
    }

    @Test
    void classesFromTheServerAndGlobalAreCollectedInOrder() throws ConfigException {
        Configuration c = build("""
                <Class internal>
                  From 10.0.0.0/8
                </Class>
                <Global>
                  <Class local>
                    From 127.0.0.1
                    Satisfy all
                  </Class>
                </Global>
                """);
        assertEquals(List.of("internal", "local"), c.classes().stream().map(n -> n.args().get(0)).toList());
        assertEquals(ContextKind.CLASS, c.classes().get(0).kind());
        assertTrue(c.mainServer().node().classes().isEmpty());
        assertEquals(List.of("test.conf:2: Order is not allowed in <Class> context"),
                problems("<Class x>\nOrder allow,deny\n</Class>\n"));
    }

    @Test
    void ftpAccessFilesAreCheckedAsTheirOwnContext() throws ConfigException {
        ContextNode ok = ConfigBuilder.buildFtpAccess(TestConfigs.parse("AllowOverwrite on\n<Limit STOR>\nDenyAll\n"
                + "</Limit>\n"), TestConfigs.table());
        assertEquals(ContextKind.FTPACCESS, ok.kind());
        assertEquals(1, ok.directives("AllowOverwrite").size());
        assertEquals(List.of("STOR"), ok.limits().get(0).args());
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigBuilder.buildFtpAccess(TestConfigs.parse("ServerName x\n<Directory /a>\n</Directory>\n"
                        + "<Anonymous /b>\n</Anonymous>\n"), TestConfigs.table()));
        assertEquals(List.of("test.conf:1: ServerName is not allowed in .ftpaccess context",
                "test.conf:2: <Directory> is not allowed in .ftpaccess context",
                "test.conf:4: <Anonymous> is not allowed in .ftpaccess context"), e.problems());
    }

    // ------------------------------------------------------------------ module sections

    @Test
    void moduleSectionContentsAreCheckedInTheEnclosingContext() {
        assertEquals(List.of("test.conf:3: Order is not allowed in server config context",
                "test.conf:7: SocketBindTight is not allowed in <VirtualHost> context",
                "test.conf:13: <IfUser> is not allowed in <Anonymous> context",
                "test.conf:16: <IfUser> needs at least 1 parameter"),
                problems("""
                        <IfUser alice>
                        AllowOverwrite on
                        Order allow,deny
                        </IfUser>
                        <VirtualHost 127.0.0.2>
                        <IfUser bob>
                        SocketBindTight on
                        ServerName fine-in-a-vhost
                        </IfUser>
                        </VirtualHost>
                        <Anonymous /srv/anon>
                        User ftp
                        <IfUser carol>
                        </IfUser>
                        </Anonymous>
                        <IfUser>
                        </IfUser>
                        """, new TestModule()));
    }

    @Test
    void moduleSectionsAreKeptWithTheirValidatedContents() throws ConfigException {
        Configuration c = build("""
                <IfUser alice bob>
                  AllowOverwrite on
                  <Directory /srv/alice>
                    Umask 077
                  </Directory>
                </IfUser>
                <IfUser carol>
                </IfUser>
                """, new TestModule());
        List<ModuleSection> sections = c.mainServer().node().moduleSections("ifuser");
        assertEquals(2, sections.size());
        ModuleSection first = sections.get(0);
        assertEquals("IfUser", first.name());
        assertEquals(List.of("alice", "bob"), first.args());
        assertEquals("test.conf:1", first.location());
        assertEquals(ContextKind.SERVER, first.contents().kind());
        assertEquals(1, first.contents().directives("AllowOverwrite").size());
        assertEquals(List.of("/srv/alice"), first.contents().directories().get(0).args());
        // the section's directives do not leak into the server itself
        assertTrue(c.mainServer().node().directives("AllowOverwrite").isEmpty());
        assertEquals(2, mainView(c).sections("IfUser").size());
    }

    // ------------------------------------------------------------------ daemon-only directives

    @Test
    void daemonOnlyDirectivesAreAcceptedWithOneNoticePerName() throws ConfigException {
        List<String> notices = new ArrayList<>();
        Configuration c = build("""
                PidFile /var/run/a.pid
                ScoreboardFile /var/run/proftpd.scoreboard
                pidfile /var/run/b.pid
                User nobody
                Group nogroup
                User nobody2
                WtmpLog off
                <VirtualHost 127.0.0.2>
                  User other
                  ScoreboardFile /x
                </VirtualHost>
                <Anonymous /srv/anon>
                  User ftp
                  Group ftp
                </Anonymous>
                """, notices::add);
        assertEquals(List.of("test.conf:1: PidFile" + NOTICE, "test.conf:2: ScoreboardFile" + NOTICE,
                "test.conf:4: User" + NOTICE, "test.conf:5: Group" + NOTICE, "test.conf:7: WtmpLog" + NOTICE),
                notices);
        assertEquals(2, c.servers().size());
    }

    // ------------------------------------------------------------------ servers

    @Test
    void serverPortsAddressesAndNames() throws ConfigException {
        Configuration c = build("""
                ServerName main
                Port 2121
                DefaultAddress 127.0.0.1
                <VirtualHost 127.0.0.2 127.0.0.3>
                  ServerName two
                </VirtualHost>
                """);
        ServerConfig main = c.mainServer();
        assertEquals("main", main.name());
        assertEquals(2121, main.port());
        assertEquals("127.0.0.1", main.addresses().get(0).getHostAddress());
        ServerConfig v = c.servers().get(1);
        assertEquals("two", v.name());
        assertEquals(21, v.port(), "a virtual host does not inherit Port");
        assertEquals(List.of("127.0.0.2", "127.0.0.3"), v.addresses().stream().map(a -> a.getHostAddress()).toList());
        assertEquals(List.of("mod_auth.c", "mod_core.c", "mod_facts.c", "mod_ls.c", "mod_site.c", "mod_xfer.c"),
                c.loadedModules().stream().sorted().toList());
        assertTrue(mainView(c).moduleLoaded("mod_xfer.c"));
        assertFalse(mainView(c).moduleLoaded("mod_sql.c"));
    }
}

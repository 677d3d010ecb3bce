package org.modftpd.core.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modftpd.core.internal.config.TestConfigs.build;
import static org.modftpd.core.internal.config.TestConfigs.mainView;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.modftpd.core.internal.modules.CoreDirectives;
import org.modftpd.core.internal.modules.CoreDirectives.Umask;

class ConfigViewTest {

    private static final String INHERITANCE = """
            Umask 022
            TestNone server
            TestMulti s1
            TestMulti s2
            TestList l1
            TestList l2
            <Anonymous /srv/anon>
              User ftp
              Umask 077
              TestMulti a1
              <Directory /srv/anon/pub>
                TestMulti d1
                TestList dl
                TestNone dir
              </Directory>
            </Anonymous>
            """;

    private static ConfigView anonView(Configuration c) {
        return ConfigView.of(c, c.mainServer().node(), c.mainServer().node().anonymous().get(0), null);
    }

    private static Optional<Umask> umask(int mode) {
        return Optional.of(new Umask(mode, mode));
    }

    // ------------------------------------------------------------------ inheritance

    @Test
    void mergeDownIsInheritedUnlessSetCloser() throws ConfigException {
        Configuration c = build(INHERITANCE, new TestModule());
        assertEquals(umask(0022), mainView(c).get(CoreDirectives.UMASK));
        assertEquals(umask(0077), anonView(c).get(CoreDirectives.UMASK));
        assertEquals(umask(0077), anonView(c).forPath(Path.of("/srv/anon/pub/x")).get(CoreDirectives.UMASK));
        assertEquals(Optional.empty(), mainView(c).get(CoreDirectives.TIMES_GMT));
        assertEquals(true, mainView(c).value(CoreDirectives.TIMES_GMT));
    }

    @Test
    void mergeNoneIsSeenOnlyWhereItIsSet() throws ConfigException {
        Configuration c = build(INHERITANCE, new TestModule());
        assertEquals(Optional.of("server"), mainView(c).get(TestModule.NONE));
        assertEquals(Optional.empty(), anonView(c).get(TestModule.NONE));
        assertEquals(List.of(), anonView(c).getAll(TestModule.NONE));
        assertEquals(Optional.of("dir"), anonView(c).forPath(Path.of("/srv/anon/pub")).get(TestModule.NONE));
    }

    @Test
    void repeatableMergeDownTakesTheClosestLevelOnly() throws ConfigException {
        Configuration c = build(INHERITANCE, new TestModule());
        assertEquals(List.of("l1", "l2"), mainView(c).getAll(TestModule.DOWN_LIST));
        assertEquals(List.of("l1", "l2"), anonView(c).getAll(TestModule.DOWN_LIST));
        assertEquals(List.of("dl"), anonView(c).forPath(Path.of("/srv/anon/pub/f")).getAll(TestModule.DOWN_LIST));
        assertEquals(Optional.of("l1"), mainView(c).get(TestModule.DOWN_LIST));
    }

    @Test
    void mergeDownMultiCollectsEveryLevelClosestFirst() throws ConfigException {
        Configuration c = build(INHERITANCE, new TestModule());
        assertEquals(List.of("s1", "s2"), mainView(c).getAll(TestModule.MULTI));
        assertEquals(List.of("a1", "s1", "s2"), anonView(c).getAll(TestModule.MULTI));
        ConfigView dir = anonView(c).forPath(Path.of("/srv/anon/pub"));
        assertEquals(List.of("d1", "a1", "s1", "s2"), dir.getAll(TestModule.MULTI));
        assertEquals(Optional.of("d1"), dir.get(TestModule.MULTI));
        assertEquals(List.of("test.conf:12", "test.conf:10", "test.conf:3", "test.conf:4"),
                dir.entries("testmulti").stream().map(e -> e.location().toString()).toList());
    }

    // ------------------------------------------------------------------ <Directory> matching

    private static final String DIRECTORIES = """
            Umask 000
            <Directory /srv/ftp>
              Umask 001
            </Directory>
            <Directory /srv/ftp/pub>
              Umask 002
            </Directory>
            <Directory /srv/ftp/up/*>
              Umask 003
            </Directory>
            <Directory /data/*/glob>
              Umask 004
            </Directory>
            <Directory ~/private>
              Umask 005
            </Directory>
            <Directory /srv/ftp/trailing/>
              Umask 006
            </Directory>
            """;

    private static Optional<Umask> umaskAt(ConfigView v, String path) {
        return v.forPath(Path.of(path)).get(CoreDirectives.UMASK);
    }

    @Test
    void closestDirectoryWins() throws ConfigException {
        ConfigView v = mainView(build(DIRECTORIES));
        assertEquals(umask(0000), umaskAt(v, "/srv"));
        assertEquals(umask(0001), umaskAt(v, "/srv/ftp"));
        assertEquals(umask(0001), umaskAt(v, "/srv/ftp/x/y"));
        assertEquals(umask(0002), umaskAt(v, "/srv/ftp/pub"));
        assertEquals(umask(0002), umaskAt(v, "/srv/ftp/pub/a/b"));
        assertEquals(umask(0001), umaskAt(v, "/srv/ftp/public"), "/srv/ftp/pub is not a prefix of /srv/ftp/public");
        assertEquals(umask(0000), umaskAt(v, "/srv/ftpx"));
        assertEquals(umask(0006), umaskAt(v, "/srv/ftp/trailing"));
        assertEquals(umask(0006), umaskAt(v, "/srv/ftp/trailing/x"));
        assertEquals(umask(0001), umaskAt(v, "/srv/ftp/pub/../x"), "the path is normalised first");
    }

    @Test
    void valueForAPathReadsFtpAccessOnlyForDirectivesThatCanBeThere(@org.junit.jupiter.api.io.TempDir Path jail)
            throws ConfigException {
        Configuration c = build("""
                TransferLog /var/log/xferlog
                <Directory %s/pub>
                  Umask 002
                </Directory>
                """.formatted(jail));
        List<Path> read = new java.util.ArrayList<>();
        ConfigView v = ConfigView.of(c, c.mainServer().node(), null,
                new ConfigView.Paths(null, u -> null, null, jail, dir -> {
                    read.add(dir);
                    return null;
                }));
        Path file = jail.resolve("pub/a.txt");

        assertEquals(Optional.of("/var/log/xferlog"), v.value(CoreDirectives.TRANSFER_LOG, file));
        assertEquals(List.of(), read, "TransferLog cannot be set in .ftpaccess: none is read for it");
        assertEquals(new Umask(0002, 0002), v.value(CoreDirectives.UMASK, file));
        assertEquals(List.of(jail.resolve("pub"), jail), read);
    }

    @Test
    void starSuffixAppliesBelowButNotAtTheDirectory() throws ConfigException {
        ConfigView v = mainView(build(DIRECTORIES));
        assertEquals(umask(0001), umaskAt(v, "/srv/ftp/up"));
        assertEquals(umask(0003), umaskAt(v, "/srv/ftp/up/a"));
        assertEquals(umask(0003), umaskAt(v, "/srv/ftp/up/a/b"));
    }

    @Test
    void aDeeperDirectoryIsCloserThanTheStarOfItsParentWhateverTheOrder() throws ConfigException {
        String star = "<Directory /data/*>\n  Umask 001\n</Directory>\n";
        String literal = "<Directory /data/x>\n  Umask 002\n</Directory>\n";
        for (String text : List.of(star + literal, literal + star)) {
            ConfigView v = mainView(build(text));
            assertEquals(umask(0002), umaskAt(v, "/data/x"), text);
            assertEquals(umask(0002), umaskAt(v, "/data/x/file"), text);
            assertEquals(umask(0001), umaskAt(v, "/data/y/file"), text);
            assertEquals(Optional.empty(), umaskAt(v, "/data"), text);
        }
    }

    @Test
    void globsMatchTheDirectoryAndEverythingBelow() throws ConfigException {
        ConfigView v = mainView(build(DIRECTORIES));
        assertEquals(umask(0004), umaskAt(v, "/data/x/glob"));
        assertEquals(umask(0004), umaskAt(v, "/data/x/glob/deeper/file"));
        assertEquals(umask(0000), umaskAt(v, "/data/x/y/glob"), "* does not cross a /");
        assertEquals(umask(0000), umaskAt(v, "/data/x/globber"));
    }

    @Test
    void tildeNeedsAHome() throws ConfigException {
        Configuration c = build(DIRECTORIES);
        ConfigView noHome = mainView(c);
        assertEquals(umask(0000), umaskAt(noHome, "/home/alice/private/x"));
        ConfigView home = noHome.withHome("/home/alice");
        assertEquals(umask(0005), umaskAt(home, "/home/alice/private"));
        assertEquals(umask(0005), umaskAt(home, "/home/alice/private/x"));
        assertEquals(umask(0000), umaskAt(home, "/home/alice/public"));
        assertEquals(umask(0000), umaskAt(home, "/home/bob/private"));
    }

    @Test
    void homeWithATrailingSlashStillExpands() throws ConfigException {
        ConfigView v = mainView(build(DIRECTORIES)).withHome("/home/alice/");
        assertEquals(umask(0005), umaskAt(v, "/home/alice/private"));
        assertEquals(umask(0005), umaskAt(v, "/home/alice/private/x"));
        ConfigView root = mainView(build(DIRECTORIES)).withHome("/");
        assertEquals(umask(0005), umaskAt(root, "/private/x"));
    }

    @Test
    void tildeAloneIsTheHome() throws ConfigException {
        ConfigView v = mainView(build("<Directory ~>\nUmask 007\n</Directory>\n")).withHome("/home/bob");
        assertEquals(umask(0007), umaskAt(v, "/home/bob"));
        assertEquals(umask(0007), umaskAt(v, "/home/bob/x"));
        assertEquals(Optional.empty(), umaskAt(v, "/home/bobby"));
    }

    @Test
    void forPathChainListsMatchesClosestFirstThenTheTopLevel() throws ConfigException {
        Configuration c = build(DIRECTORIES);
        ConfigView v = mainView(c).forPath(Path.of("/srv/ftp/pub/a"));
        List<ContextNode> chain = v.chain();
        assertEquals(3, chain.size());
        assertEquals(List.of("/srv/ftp/pub"), chain.get(0).args());
        assertEquals(List.of("/srv/ftp"), chain.get(1).args());
        assertSame(c.mainServer().node(), chain.get(2));
    }

    @Test
    void directoriesInsideAnonymousApplyToTheAnonymousView() throws ConfigException {
        Configuration c = build(INHERITANCE, new TestModule());
        assertEquals(List.of("/srv/anon/pub"), anonView(c).forPath(Path.of("/srv/anon/pub/a")).chain().get(0).args());
        assertEquals(2, anonView(c).forPath(Path.of("/srv/anon/other")).chain().size());
    }

    @Test
    void matchesFollowsProftpdRules() {
        assertTrue(ConfigView.matches("*", "/anything"));
        assertTrue(ConfigView.matches("/*", "/"));
        assertTrue(ConfigView.matches("/", "/"));
        assertTrue(ConfigView.matches("/", "/a"));
        assertTrue(ConfigView.matches("/a", "/a"));
        assertTrue(ConfigView.matches("/a", "/a/b"));
        assertFalse(ConfigView.matches("/a", "/ab"));
        assertTrue(ConfigView.matches("/a/", "/a"));
        assertFalse(ConfigView.matches("/a/*", "/a"));
        assertTrue(ConfigView.matches("/a/*", "/a/b"));
        assertTrue(ConfigView.matches("/a/*/c", "/a/b/c/d"));
        assertFalse(ConfigView.matches("/a/*/c/*", "/a/b/c"));
        assertTrue(ConfigView.matches("/a/*/c/*", "/a/b/c/d"));
        assertTrue(ConfigView.matches("/a/?", "/a/b"));
        assertFalse(ConfigView.matches("/a/?", "/a/bc"));
    }

    // ------------------------------------------------------------------ server selection

    private static final String SERVERS = """
            ServerName main
            Port 2121
            <VirtualHost 127.0.0.2>
              Port 2121
              ServerName two
            </VirtualHost>
            <VirtualHost 127.0.0.3>
              Port 2122
              ServerName three
              DefaultServer on
            </VirtualHost>
            <VirtualHost 127.0.0.4>
              Port 0
              ServerName disabled
            </VirtualHost>
            """;

    private static InetAddress ip(String s) throws UnknownHostException {
        return InetAddress.getByName(s);
    }

    private static String serverName(Configuration c, String ip, int port) throws UnknownHostException {
        ServerConfig s = c.serverFor(ip(ip), port);
        return s == null ? null : s.name();
    }

    @Test
    void serverForPicksTheBoundAddressThenTheWildcardServer() throws Exception {
        Configuration c = build(SERVERS);
        assertEquals("two", serverName(c, "127.0.0.2", 2121));
        assertEquals("main", serverName(c, "127.0.0.1", 2121), "the main server without DefaultAddress");
        assertEquals("main", serverName(c, "127.0.0.3", 2121));
        assertEquals("three", serverName(c, "127.0.0.3", 2122));
        assertEquals("three", serverName(c, "127.0.0.9", 2122), "DefaultServer catches unmatched addresses");
        assertNull(serverName(c, "127.0.0.4", 0));
        assertNull(serverName(c, "127.0.0.4", 21));
        assertNull(serverName(c, "127.0.0.1", 2199));
    }

    @Test
    void mainServerWithDefaultAddressOnlyAnswersThere() throws Exception {
        Configuration c = build("ServerName main\nPort 2121\nDefaultAddress 127.0.0.1\n");
        assertEquals("main", serverName(c, "127.0.0.1", 2121));
        assertNull(serverName(c, "127.0.0.5", 2121));
        Configuration d = build("ServerName main\nPort 2121\nDefaultAddress 127.0.0.1\nDefaultServer on\n");
        assertEquals("main", serverName(d, "127.0.0.5", 2121));
        assertTrue(d.mainServer().defaultServer());
        assertFalse(c.mainServer().defaultServer());
    }

    @Test
    void ipv6VirtualHost() throws Exception {
        Configuration c = build("Port 2121\nDefaultAddress 127.0.0.1\n<VirtualHost ::1>\nPort 2121\n"
                + "ServerName six\n</VirtualHost>\n");
        assertEquals("six", serverName(c, "::1", 2121));
        assertEquals("six", serverName(c, "0:0:0:0:0:0:0:1", 2121));
        assertEquals("ProFTPD", serverName(c, "127.0.0.1", 2121));
    }
}

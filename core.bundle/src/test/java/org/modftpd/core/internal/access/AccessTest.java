package org.modftpd.core.internal.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modftpd.core.internal.access.Access.Decision.ALLOW;
import static org.modftpd.core.internal.access.Access.Decision.DENY;
import static org.modftpd.core.internal.access.Access.Decision.UNDECIDED;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.modftpd.api.GroupAccount;
import org.modftpd.api.Identity;
import org.modftpd.api.UserAccount;
import org.modftpd.core.internal.access.Access.Decision;
import org.modftpd.core.internal.access.Access.Who;
import org.modftpd.core.internal.config.ConfigException;
import org.modftpd.core.internal.config.ConfigView;
import org.modftpd.core.internal.config.Configuration;
import org.modftpd.core.internal.config.TestConfigs;

class AccessTest {

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static Identity identity(String user, String... groups) {
        List<GroupAccount> gs = new ArrayList<>();
        for (int i = 0; i < groups.length; i++) {
            gs.add(new GroupAccount(groups[i], 100 + i, List.of()));
        }
        return new Identity(new UserAccount(user, 1000, 100, "/home/" + user, "/bin/sh"), gs, false, user,
                "mod_test.c");
    }

    private static Who user(String name, String... groups) {
        return new Who(name, identity(name, groups), null, ip("192.0.2.1"), null);
    }

    private static Who from(String address) {
        return new Who("alice", identity("alice"), null, ip(address), null);
    }

    private static Who inClass(String cls) {
        return new Who("alice", identity("alice"), cls, ip("192.0.2.1"), null);
    }

    private static final Who ANONYMOUS_CLIENT = new Who(null, null, null, ip("192.0.2.1"), null);

    private static ConfigView view(String text) throws ConfigException {
        return TestConfigs.mainView(TestConfigs.build(text));
    }

    private static Decision decide(String text, String verb, String group, Who who) throws ConfigException {
        return Access.decide(view(text).chain(), verb, group, who);
    }

    private static Decision stor(String limitBody, Who who) throws ConfigException {
        return decide("<Limit STOR>\n" + limitBody + "\n</Limit>\n", "STOR", "WRITE", who);
    }

    // ------------------------------------------------------------------ Order

    @Test
    void orderAllowDenyAllowsOnAnAllowRuleAndDeniesOnADenyRule() throws ConfigException {
        String body = "AllowUser alice\nDenyAll";
        assertEquals(ALLOW, stor(body, user("alice")));
        assertEquals(DENY, stor(body, user("bob")));
    }

    @Test
    void orderAllowDenyWithNothingMatchingLeavesItToOuterContexts() throws ConfigException {
        assertEquals(UNDECIDED, stor("AllowUser alice\nDenyUser bob", user("carol")));
        assertEquals(DENY, stor("AllowUser alice\nDenyUser bob", user("bob")));
    }

    @Test
    void orderDenyAllowChecksDenyFirstAndDeniesWhenNothingMatches() throws ConfigException {
        assertEquals(DENY, stor("Order deny,allow\nAllowUser alice\nDenyAll", user("alice")));
        String body = "Order deny,allow\nDenyUser bob\nAllowUser alice";
        assertEquals(ALLOW, stor(body, user("alice")));
        assertEquals(DENY, stor(body, user("bob")));
        assertEquals(DENY, stor(body, user("carol")));
        assertEquals(ALLOW, stor("Order allow, deny\nAllowUser alice\nDenyAll", user("alice")));
    }

    // ------------------------------------------------------------------ users, groups, classes

    @Test
    void allowUserListsWithCommasAndBlanks() throws ConfigException {
        assertEquals(ALLOW, stor("AllowUser alice,bob\nDenyAll", user("bob")));
        assertEquals(ALLOW, stor("AllowUser alice bob\nDenyAll", user("bob")));
        assertEquals(DENY, stor("AllowUser alice,bob\nDenyAll", user("carol")));
        assertEquals(DENY, stor("AllowUser alice\nAllowUser bob\nDenyAll", user("carol")));
        assertEquals(ALLOW, stor("AllowUser alice\nAllowUser bob\nDenyAll", user("bob")));
    }

    @Test
    void userNegationAndAndOrPrefixes() throws ConfigException {
        assertEquals(ALLOW, stor("AllowUser !bob\nDenyAll", user("alice")));
        assertEquals(DENY, stor("AllowUser !bob\nDenyAll", user("bob")));
        assertEquals(ALLOW, stor("AllowUser AND !bob,!eve\nDenyAll", user("alice")));
        assertEquals(DENY, stor("AllowUser AND !bob,!eve\nDenyAll", user("eve")));
        assertEquals(ALLOW, stor("AllowUser OR !bob,!eve\nDenyAll", user("eve")), "OR: eve is not bob");
        assertEquals(DENY, stor("AllowUser AND alice,bob\nDenyAll", user("alice")), "nobody is both");
        assertEquals(DENY, stor("DenyUser !alice", user("bob")));
        assertEquals(UNDECIDED, stor("DenyUser !alice", user("alice")));
    }

    @Test
    void userRegex() throws ConfigException {
        String body = "AllowUser regex ^adm\nDenyAll";
        assertEquals(ALLOW, stor(body, user("admin")));
        assertEquals(DENY, stor(body, user("sysadm")));
        assertEquals(ALLOW, stor("AllowUser regex adm\nDenyAll", user("sysadm")), "a regex finds anywhere");
    }

    @Test
    void badUserRegexIsAConfigurationError() {
        ConfigException e = assertThrows(ConfigException.class, () -> view("<Limit STOR>\nAllowUser regex [\n</Limit>\n"));
        assertEquals(List.of("test.conf:2: AllowUser: bad regular expression '['"), e.problems());
    }

    @Test
    void allowGroupIsAndByDefault() throws ConfigException {
        String body = "AllowGroup staff,ftp\nDenyAll";
        assertEquals(ALLOW, stor(body, user("alice", "staff", "ftp", "other")));
        assertEquals(DENY, stor(body, user("alice", "staff")));
        assertEquals(ALLOW, stor("AllowGroup OR staff,ftp\nDenyAll", user("alice", "staff")));
        assertEquals(ALLOW, stor("AllowGroup !banned\nDenyAll", user("alice", "staff")));
        assertEquals(DENY, stor("AllowGroup !banned\nDenyAll", user("alice", "staff", "banned")));
        assertEquals(DENY, stor("DenyGroup staff,ftp", user("alice", "ftp", "staff")));
        assertEquals(UNDECIDED, stor("DenyGroup staff,ftp", user("alice", "ftp")));
        assertEquals(ALLOW, stor("AllowGroup regex ^ft\nDenyAll", user("alice", "x", "ftp")));
    }

    @Test
    void beforeLoginAllowUserAndAllowGroupCountAsAllowAndDenyUserIsSkipped() throws ConfigException {
        assertEquals(ALLOW, stor("AllowUser alice\nDenyAll", ANONYMOUS_CLIENT));
        assertEquals(ALLOW, stor("AllowGroup staff\nDenyAll", ANONYMOUS_CLIENT));
        assertEquals(UNDECIDED, stor("DenyUser alice\nDenyGroup staff", ANONYMOUS_CLIENT));
    }

    @Test
    void allowAndDenyClass() throws ConfigException {
        assertEquals(ALLOW, stor("AllowClass internal\nDenyAll", inClass("internal")));
        assertEquals(DENY, stor("AllowClass internal\nDenyAll", inClass("external")));
        assertEquals(ALLOW, stor("AllowClass !internal\nDenyAll", inClass("external")));
        assertEquals(DENY, stor("DenyClass external", inClass("external")));
        assertEquals(UNDECIDED, stor("DenyClass external", inClass("internal")));
    }

    @Test
    void classRulesDoNotApplyToAClientWithoutAClass() throws ConfigException {
        // ProFTPD (dirtree.c check_limit_allow/deny) skips AllowClass and DenyClass when the session
        // has no class; a negated class must not match a class-less client
        assertEquals(UNDECIDED, stor("DenyClass !trusted", inClass(null)));
        assertEquals(DENY, stor("AllowClass !trusted\nDenyAll", inClass(null)));
        assertEquals(DENY, stor("DenyClass !trusted", inClass("other")));
    }

    // ------------------------------------------------------------------ addresses

    @Test
    void allowFromAndDenyFromAddresses() throws ConfigException {
        String body = "Allow from 10.0.0.0/8, 2001:db8::/32\nDeny from all";
        assertEquals(ALLOW, stor(body, from("10.1.1.1")));
        assertEquals(ALLOW, stor(body, from("2001:db8::7")));
        assertEquals(DENY, stor(body, from("192.168.0.1")));
        assertEquals(DENY, stor(body, from("::1")));
        assertEquals(ALLOW, stor("Allow from 10.1.1.\nDenyAll", from("10.1.1.9")));
        assertEquals(DENY, stor("Allow from 10.1.1.\nDenyAll", from("10.1.2.9")));
        assertEquals(ALLOW, stor("Allow 127.0.0.1\nDenyAll", from("127.0.0.1")), "'from' is optional");
        assertEquals(DENY, stor("Allow from none\nDenyAll", from("127.0.0.1")));
        assertEquals(DENY, stor("Deny from 127.0.0.1", from("127.0.0.1")));
        assertEquals(UNDECIDED, stor("Deny from 127.0.0.1", from("127.0.0.2")));
    }

    @Test
    void negatedAddressesExcludeFromTheList() throws ConfigException {
        // ProFTPD (dirtree.c check_ip_access): every negated rule must hold and one plain rule must match
        String body = "Allow from 10.0.0.0/8 !10.1.1.1\nDeny from all";
        assertEquals(ALLOW, stor(body, from("10.2.2.2")));
        assertEquals(DENY, stor(body, from("10.1.1.1")));
        assertEquals(DENY, stor(body, from("192.168.1.1")));
    }

    @Test
    void aNegatedAddressThatMatchesVetoesTheWholeDirective() throws ConfigException {
        String body = "Allow from 10.0.0.0/8\nAllow from 192.168.0.0/16 !10.1.1.1\nDenyAll";
        assertEquals(ALLOW, stor(body, from("10.2.2.2")));
        assertEquals(ALLOW, stor(body, from("192.168.3.3")));
        assertEquals(DENY, stor(body, from("10.1.1.1")));
    }

    @Test
    void onlyNegatedAddressesNeverMatch() throws ConfigException {
        assertEquals(UNDECIDED, stor("Deny from !10.0.0.0/8", from("192.168.1.1")));
        assertEquals(UNDECIDED, stor("Deny from !10.0.0.0/8", from("10.1.1.1")));
    }

    @Test
    void domainRulesUseTheReverseName() throws ConfigException {
        Who named = new Who("alice", identity("alice"), null, ip("192.0.2.7"), "ftp.example.com");
        assertEquals(ALLOW, stor("Allow from .example.com\nDenyAll", named));
        assertEquals(DENY, stor("Allow from .example.org\nDenyAll", named));
        assertEquals(DENY, stor("Allow from .example.com\nDenyAll", from("192.0.2.7")));
    }

    // ------------------------------------------------------------------ precedence

    private static final String PRECEDENCE = """
            <Limit ALL>
              DenyAll
            </Limit>
            <Limit WRITE>
              AllowAll
            </Limit>
            <Limit DELE>
              DenyAll
            </Limit>
            """;

    @Test
    void exactVerbBeatsGroupBeatsAll() throws ConfigException {
        List<org.modftpd.core.internal.config.ContextNode> chain = view(PRECEDENCE).chain();
        Who alice = user("alice");
        assertEquals(ALLOW, Access.decide(chain, "STOR", "WRITE", alice));
        assertEquals(ALLOW, Access.decide(chain, "MKD", "WRITE", alice));
        assertEquals(DENY, Access.decide(chain, "DELE", "WRITE", alice));
        assertEquals(DENY, Access.decide(chain, "RETR", "READ", alice));
        assertEquals(DENY, Access.decide(chain, "NOOP", "", alice));
        assertEquals(DENY, Access.decide(chain, "SITE_CHMOD", null, alice));
    }

    @Test
    void allDoesNotCoverLoginOrTheDataChannelCommands() throws ConfigException {
        List<org.modftpd.core.internal.config.ContextNode> chain = view("<Limit ALL>\nDenyAll\n</Limit>\n").chain();
        for (String verb : List.of("LOGIN", "PASV", "PORT", "EPSV", "EPRT", "PROT", "OPTS")) {
            assertEquals(UNDECIDED, Access.decide(chain, verb, "", user("alice")), verb);
        }
        assertEquals(DENY, Access.decide(chain, "CWD", "DIRS", user("alice")));
        List<org.modftpd.core.internal.config.ContextNode> login =
                view("<Limit LOGIN>\nDenyAll\n</Limit>\n").chain();
        assertEquals(DENY, Access.decide(login, "LOGIN", "", user("alice")));
        assertEquals(UNDECIDED, Access.decide(login, "STOR", "WRITE", user("alice")));
    }

    private static final String NESTED = """
            <Limit STOR>
              DenyAll
            </Limit>
            <Directory /srv/up>
              <Limit STOR>
                AllowAll
              </Limit>
            </Directory>
            <Directory /srv/group>
              <Limit WRITE>
                AllowAll
              </Limit>
            </Directory>
            <Directory /srv/bob>
              <Limit STOR>
                AllowUser bob
              </Limit>
            </Directory>
            <Directory /srv/strict>
              <Limit STOR>
                Order deny,allow
                AllowUser bob
              </Limit>
            </Directory>
            """;

    private static Decision storAt(ConfigView v, String path, Who who) {
        return Access.decide(v.forPath(Path.of(path)).chain(), "STOR", "WRITE", who);
    }

    @Test
    void closestContextDecidesFirst() throws ConfigException {
        ConfigView v = view(NESTED);
        assertEquals(ALLOW, storAt(v, "/srv/up/file", user("alice")));
        assertEquals(DENY, storAt(v, "/srv/other/file", user("alice")));
        assertTrue(Access.allowed(v, Path.of("/srv/up/f"), "STOR", "WRITE", user("alice")));
        assertFalse(Access.allowed(v, Path.of("/srv/f"), "STOR", "WRITE", user("alice")));
        assertFalse(Access.allowed(v, null, "STOR", "WRITE", user("alice")));
        assertTrue(Access.allowed(v, null, "RETR", "READ", user("alice")));
    }

    @Test
    void theVerbIsLookedForInEveryContextBeforeTheGroup() throws ConfigException {
        assertEquals(DENY, storAt(view(NESTED), "/srv/group/file", user("alice")));
    }

    @Test
    void implicitAllowKeepsLookingOutwardButImplicitDenyStops() throws ConfigException {
        ConfigView v = view(NESTED);
        assertEquals(ALLOW, storAt(v, "/srv/bob/f", user("bob")));
        assertEquals(DENY, storAt(v, "/srv/bob/f", user("alice")));
        assertEquals(ALLOW, storAt(v, "/srv/strict/f", user("bob")));
        assertEquals(DENY, storAt(v, "/srv/strict/f", user("alice")));
    }

    @Test
    void firstExplicitDecisionAmongSectionsOfOneContextWins() throws ConfigException {
        String text = "<Limit STOR>\nDenyUser bob\n</Limit>\n<Limit STOR WRITE>\nAllowAll\n</Limit>\n"
                + "<Limit STOR>\nDenyAll\n</Limit>\n";
        assertEquals(DENY, decide(text, "STOR", "WRITE", user("bob")));
        assertEquals(ALLOW, decide(text, "STOR", "WRITE", user("alice")));
    }

    @Test
    void limitsInsideAnonymousApplyToTheAnonymousView() throws ConfigException {
        Configuration c = TestConfigs.build("""
                <Limit STOR>
                  AllowAll
                </Limit>
                <Anonymous /srv/anon>
                  User ftp
                  <Limit WRITE>
                    DenyAll
                  </Limit>
                </Anonymous>
                """);
        ConfigView anon = ConfigView.of(c, c.mainServer().node(), c.mainServer().node().anonymous().get(0), null);
        // the verb is looked for outward first: the server's <Limit STOR> allows before <Limit WRITE> is seen
        assertEquals(ALLOW, Access.decide(anon.chain(), "STOR", "WRITE", user("ftp")));
        assertEquals(DENY, Access.decide(anon.chain(), "DELE", "WRITE", user("ftp")));
        assertEquals(UNDECIDED, Access.decide(TestConfigs.mainView(c).chain(), "DELE", "WRITE", user("ftp")));
    }

    // ------------------------------------------------------------------ expressions

    @Test
    void expressionParsing() {
        org.modftpd.api.NameExpression or = org.modftpd.api.NameExpression.parse(List.of("a,b", "c"), false);
        assertTrue(or.matches(List.of("c")));
        assertTrue(or.matches(List.of("a")));
        assertFalse(or.matches(List.of()));
        org.modftpd.api.NameExpression and = org.modftpd.api.NameExpression.parse(List.of("AND", "a,!b"), false);
        assertTrue(and.matches(List.of("a")));
        assertFalse(and.matches(List.of("a", "b")));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> org.modftpd.api.NameExpression.parse(List.of(), true));
        org.modftpd.api.NameExpression re = org.modftpd.api.NameExpression.parse(List.of("regex", "^x.*y$"), false);
        assertTrue(re.matches(List.of("q", "xzy")));
        assertFalse(re.matches(List.of("xz")));
        org.modftpd.api.NameExpression infix = org.modftpd.api.NameExpression.parse(List.of("!foo", "AND", "!bar"), false);
        assertTrue(infix.matches(List.of("local")));
        assertFalse(infix.matches(List.of("bar")));
    }
}

package org.modftpd.core.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.modftpd.api.GroupAccount;
import org.modftpd.api.Session;
import org.modftpd.api.UserAccount;
import org.modftpd.core.internal.config.ConfigView;
import org.modftpd.core.internal.config.Configuration;
import org.modftpd.core.internal.config.TestConfigs;
import org.modftpd.core.internal.dispatch.ModuleTable;
import org.modftpd.spi.AuthAnswer;
import org.modftpd.spi.AuthProvider;
import org.modftpd.spi.AuthResult;
import org.modftpd.spi.FtpModule;

/** The auth chain when a provider's module leaves while a login holds the chain. */
class AuthChainTest {

    private final List<String> calls = new ArrayList<>();

    /** A backend that knows one user with one password and records every call. */
    private final class Backend implements FtpModule, AuthProvider {
        private final String name;
        private final int priority;

        Backend(String name, int priority) {
            this.name = name;
            this.priority = priority;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public Optional<AuthProvider> authProvider() {
            return Optional.of(this);
        }

        @Override
        public AuthAnswer<UserAccount> findUser(Session session, String user) {
            calls.add(name + " findUser " + user);
            return AuthAnswer.found(new UserAccount(user, 1000, 1000, "/home/" + user, "/bin/sh"));
        }

        @Override
        public AuthResult authenticate(Session session, UserAccount user, String password) {
            calls.add(name + " authenticate " + user.name());
            return password.equals("secret") ? AuthResult.OK : AuthResult.BAD_PASSWORD;
        }

        @Override
        public AuthAnswer<List<GroupAccount>> groupsOf(Session session, UserAccount user) {
            calls.add(name + " groupsOf " + user.name());
            return AuthAnswer.found(List.of(new GroupAccount("users", 1000, List.of())));
        }
    }

    private static AuthChain chain(ModuleTable table, FtpModule... modules) throws Exception {
        Configuration c = TestConfigs.build("", modules);
        return AuthChain.of(table, ConfigView.of(c, c.mainServer().node(), null, ConfigView.Paths.NONE));
    }

    @Test
    void aProviderWhoseModuleLeftIsSkippedAndTheNextOneAnswers() throws Exception {
        Backend first = new Backend("mod_first.c", 900);
        Backend second = new Backend("mod_second.c", 800);
        ModuleTable table = TestConfigs.table(first, second);
        AuthChain chain = chain(table, first, second);
        assertEquals("mod_first.c", chain.findUser(null, "alice").value().owner().module().name());
        calls.clear();

        assertEquals(0, table.module("mod_first.c").drain(Duration.ZERO));
        AuthAnswer<AuthChain.Found> found = chain.findUser(null, "alice");
        assertEquals("mod_second.c", found.value().owner().module().name());
        assertEquals(List.of("mod_second.c findUser alice"), calls);
    }

    @Test
    void aLoginWhoseOwnerLeftBeforeThePasswordCheckFailsWithoutCallingIt() throws Exception {
        Backend only = new Backend("mod_only.c", 900);
        ModuleTable table = TestConfigs.table(only);
        AuthChain chain = chain(table, only);
        AuthChain.Found found = chain.findUser(null, "alice").value();
        calls.clear();

        assertEquals(0, table.module("mod_only.c").drain(Duration.ZERO));
        assertEquals(AuthResult.UNAVAILABLE, chain.authenticate(null, found, "secret"));
        assertTrue(chain.groups(null, found).isEmpty());
        assertTrue(!chain.findUser(null, "alice").isFound());
        assertEquals(List.of(), calls, "nothing reaches a module that left");
    }
}

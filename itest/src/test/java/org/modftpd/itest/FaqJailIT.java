package org.modftpd.itest;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;

/**
 * The FAQ's jails (5.12): {@code DefaultRoot ~ users,!staff} jails members of users who are not in
 * staff; per-user anonymous sites (5.13) with AnonymousGroup, {@code DefaultRoot ~/anon-ftp} and
 * deferred {@code <Directory ~/...>} sections; and the login rules RequireValidShell and
 * AllowChrootSymlinks.
 */
public class FaqJailIT extends ServerTestSupport {

    @Override
    protected String configuration(Provision.Env env) {
        try {
            Path site = env.home("carol").resolve("anon-ftp");
            Files.createDirectories(site.resolve("incoming"));
            Files.writeString(site.resolve("readme.txt"), "carol's anonymous site\n");
            Path real = env.dir().resolve("real-home-of-erin");
            Files.createDirectories(real);
            Files.delete(env.home("erin"));
            Files.createSymbolicLink(env.home("erin"), real);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "";
    }

    @Test
    public void defaultRootWithAGroupExpression() throws Exception {
        reconfigure("DefaultRoot ~ users,!staff");
        try (Ftp alice = login("alice", Provision.ALICE_PASSWORD)) {
            assertEquals("\"/\" is the current directory", alice.expect(257, "PWD").text());
            alice.expect(250, "CWD ..");
            assertEquals("\"/\" is the current directory", alice.expect(257, "PWD").text());
        }
        try (Ftp bob = login("bob", Provision.BOB_PASSWORD)) {
            assertEquals("\"" + home("bob").toRealPath() + "\" is the current directory", bob.expect(257, "PWD").text());
            bob.expect(250, "CWD ..");
            assertEquals("\"" + dir().resolve("home").toRealPath() + "\" is the current directory",
                    bob.expect(257, "PWD").text());
        }
    }

    @Test
    public void perUserAnonymousSites() throws Exception {
        reconfigure("""
                <Limit LOGIN>
                  DenyGroup !anonftp
                </Limit>
                <Directory ~/anon-ftp>
                  <Limit WRITE>
                    DenyAll
                  </Limit>
                </Directory>
                <Directory ~/anon-ftp/incoming>
                  <Limit STOR>
                    AllowAll
                  </Limit>
                  <Limit READ WRITE>
                    DenyAll
                  </Limit>
                </Directory>
                DefaultRoot ~/anon-ftp
                AnonymousGroup anonftp
                """);
        try (Ftp carol = login("carol", Provision.CAROL_PASSWORD).binary().passive()) {
            assertEquals("\"/\" is the current directory", carol.expect(257, "PWD").text());
            assertEquals("carol's anonymous site\n", new String(carol.retrieve("readme.txt"), StandardCharsets.UTF_8));
            carol.expect(550, "STOR new.txt");
            carol.store("incoming/upload.txt", "up\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("up\n", Files.readString(home("carol").resolve("anon-ftp/incoming/upload.txt")));
            carol.expect(550, "RETR incoming/upload.txt");
        }
        try (Ftp alice = connect()) {
            alice.expect(331, "USER alice");
            alice.expect(530, "PASS " + Provision.ALICE_PASSWORD);
        }
        try (Ftp carol = connect()) {
            carol.expect(331, "USER carol");
            carol.expect(530, "PASS wrong");
        }
    }

    @Test
    public void requireValidShell() throws Exception {
        reconfigure("");
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER shelly");
            ftp.expect(530, "PASS " + Provision.ALICE_PASSWORD);
        }
        reconfigure("RequireValidShell off");
        try (Ftp ftp = login("shelly", Provision.ALICE_PASSWORD)) {
            ftp.expect(257, "PWD");
        }
        String log = Files.readString(dir().resolve("system.log"));
        assertEquals(true, log.contains("USER shelly (Login failed): Invalid shell: '/usr/sbin/nologin'"));
    }

    @Test
    public void allowChrootSymlinksOffRefusesALinkedRoot() throws Exception {
        reconfigure("DefaultRoot ~\nAllowChrootSymlinks off");
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER erin");
            ftp.expect(530, "PASS " + Provision.ERIN_PASSWORD);
        }
        reconfigure("DefaultRoot ~");
        try (Ftp ftp = login("erin", Provision.ERIN_PASSWORD)) {
            assertEquals("\"/\" is the current directory", ftp.expect(257, "PWD").text());
        }
    }
}

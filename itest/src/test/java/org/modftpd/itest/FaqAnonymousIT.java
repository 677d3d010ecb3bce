package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;

/**
 * The FAQ's anonymous recipes: a read-only anonymous site with an upload-only {@code incoming}
 * (3.3, "secure upload facility"), hiding a directory from anonymous clients (5.6), and disabling
 * anonymous logins (5.19).
 */
public class FaqAnonymousIT extends ServerTestSupport {

    private static final String ANONYMOUS_SITE = """
            <Anonymous %s>
              User ftp
              Group ftp
              UserAlias anonymous ftp
              RequireValidShell off
              <Limit WRITE>
                DenyAll
              </Limit>
              <Directory incoming>
                <Limit READ WRITE>
                  DenyAll
                </Limit>
                <Limit STOR>
                  AllowAll
                </Limit>
              </Directory>
              <Directory *>
                HideFiles ^private$
                <Limit ALL>
                  IgnoreHidden on
                </Limit>
              </Directory>
            %s</Anonymous>
            """;

    @Override
    protected String configuration(Provision.Env env) {
        try {
            Files.createDirectories(env.anon().resolve("incoming"));
            Files.createDirectories(env.anon().resolve("private"));
            Files.writeString(env.anon().resolve("private/secret.txt"), "secret\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "AllowOverwrite on\n";
    }

    private void anonymousSite(String extra) throws Exception {
        reconfigure(ANONYMOUS_SITE.formatted(dir().resolve("anon"), extra));
    }

    @Test
    public void readOnlySiteWithUploadOnlyIncoming() throws Exception {
        anonymousSite("");
        try (Ftp ftp = anonymous()) {
            assertEquals("hello, anonymous\n", new String(ftp.retrieve("pub/hello.txt"), StandardCharsets.UTF_8));
            assertEquals("up.txt: Permission denied", ftp.expect(550, "STOR up.txt").text());
            ftp.expect(550, "MKD newdir");
            ftp.expect(550, "DELE pub/hello.txt");
            ftp.store("incoming/drop.txt", "dropped\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("dropped\n", Files.readString(dir().resolve("anon/incoming/drop.txt")));
            ftp.expect(550, "RETR incoming/drop.txt");
            ftp.expect(550, "DELE incoming/drop.txt");
            ftp.expect(550, "RNFR incoming/drop.txt");
            assertTrue(Files.exists(dir().resolve("anon/incoming/drop.txt")));
        }
    }

    @Test
    public void hiddenDirectoryIsNeitherListedNorReachable() throws Exception {
        anonymousSite("");
        try (Ftp ftp = anonymous()) {
            String[] names = ftp.client().listNames();
            assertTrue(Arrays.toString(names), Arrays.asList(names).contains("pub"));
            assertFalse(Arrays.toString(names), Arrays.asList(names).contains("private"));
            String listing = String.join("\n", ftp.client().listFiles().length == 0 ? new String[0]
                    : Arrays.stream(ftp.client().listFiles()).map(f -> f.getName()).toArray(String[]::new));
            assertFalse(listing, listing.contains("private"));
            assertEquals("private: No such file or directory", ftp.expect(550, "CWD private").text());
            ftp.expect(550, "RETR private/secret.txt");
        }
    }

    @Test
    public void anonymousLoginsCanBeSwitchedOff() throws Exception {
        anonymousSite("  <Limit LOGIN>\n    DenyAll\n  </Limit>\n");
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER anonymous");
            assertEquals("Login incorrect.", ftp.expect(530, "PASS guest@example.com").text());
        }
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD)) {
            ftp.expect(257, "PWD");
        }
    }

    private Ftp anonymous() throws IOException {
        Ftp ftp = connect();
        assertEquals("Anonymous login ok, send your complete email address as your password",
                ftp.expect(331, "USER anonymous").text());
        assertEquals("Anonymous access granted, restrictions apply", ftp.expect(230, "PASS guest@example.com").text());
        return ftp.binary().passive();
    }
}

package org.modftpd.itest;

import static org.junit.Assert.assertEquals;

import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;

/**
 * Virtual hosts: chosen by the local address of the connection, {@code <Global>} copied into every
 * server (a server's own setting wins), and name-based selection with HOST and ServerAlias.
 */
public class VirtualHostIT extends ServerTestSupport {

    @Override
    protected String configuration(Provision.Env env) {
        String auth = "  AuthOrder mod_auth_file.c\n  AuthUserFile " + env.dir().resolve("etc/passwd") + "\n"
                + "  AuthGroupFile " + env.dir().resolve("etc/group") + "\n";
        return "<Global>\n  AccessGrantMsg \"global welcome, %u\"\n</Global>\n"
                + "<VirtualHost 127.0.0.2>\n  ServerName alpha\n  Port " + env.port() + "\n" + auth
                + "  AccessGrantMsg \"alpha welcome, %u\"\n</VirtualHost>\n"
                + "<VirtualHost 127.0.0.3>\n  ServerName beta\n  ServerAlias beta.example.test\n  Port " + env.port()
                + "\n" + auth + "</VirtualHost>\n";
    }

    @Test
    public void theLocalAddressChoosesTheServer() throws Exception {
        try (Ftp ftp = Ftp.connect("127.0.0.2", port())) {
            assertEquals("ProFTPD Server (alpha) [127.0.0.2]", ftp.greeting().text());
            ftp.expect(331, "USER alice");
            assertEquals("alpha welcome, alice", ftp.expect(230, "PASS " + Provision.ALICE_PASSWORD).text());
        }
        try (Ftp ftp = Ftp.connect("127.0.0.1", port())) {
            assertEquals("ProFTPD Server (modftpd test) [127.0.0.1]", ftp.greeting().text());
            ftp.expect(331, "USER alice");
            assertEquals("global welcome, alice", ftp.expect(230, "PASS " + Provision.ALICE_PASSWORD).text());
        }
        try (Ftp ftp = Ftp.connect("127.0.0.3", port())) {
            assertEquals("ProFTPD Server (beta) [127.0.0.3]", ftp.greeting().text());
        }
    }

    @Test
    public void hostSelectsAServerByName() throws Exception {
        try (Ftp ftp = connect()) {
            assertEquals("ProFTPD Server (beta) [127.0.0.1]", ftp.expect(220, "HOST beta.example.test").text());
            ftp.expect(331, "USER bob");
            assertEquals("global welcome, bob", ftp.expect(230, "PASS " + Provision.BOB_PASSWORD).text());
            assertEquals("Bad sequence of commands", ftp.expect(503, "HOST alpha").text());
        }
        try (Ftp ftp = connect()) {
            assertEquals("nowhere.example.test: Unknown hostname provided",
                    ftp.expect(504, "HOST nowhere.example.test").text());
            assertEquals("HOST command successful", ftp.expect(220, "HOST 127.0.0.1").text());
        }
    }
}

package org.modftpd.itest;

import static org.junit.Assert.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.Test;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;

/** TimeoutLogin, TimeoutIdle and TimeoutSession end sessions with ProFTPD's 421 texts. */
public class TimeoutIT extends ServerTestSupport {

    @Override
    protected String configuration(Provision.Env env) {
        return "TimeoutLogin 1\n<Anonymous " + env.anon() + ">\n  User ftp\n  Group ftp\n  UserAlias anonymous ftp\n  RequireValidShell off\n"
                + "  TimeoutIdle 1\n</Anonymous>\n";
    }

    @Test
    public void loginTimeout() throws Exception {
        try (Socket s = open()) {
            BufferedReader in = reader(s);
            assertEquals(220, code(in.readLine()));
            assertEquals("421 Login timeout (1 second): closing control connection", in.readLine());
            assertEquals(null, in.readLine());
        }
    }

    @Test
    public void idleTimeoutAfterLogin() throws Exception {
        try (Socket s = open()) {
            BufferedReader in = reader(s);
            OutputStream out = s.getOutputStream();
            assertEquals(220, code(in.readLine()));
            out.write("USER anonymous\r\nPASS me@example.com\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(331, code(in.readLine()));
            assertEquals(230, code(in.readLine()));
            assertEquals("421 Idle timeout (1 seconds): closing control connection", in.readLine());
            assertEquals(null, in.readLine());
        }
    }

    private Socket open() throws Exception {
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port());
        s.setSoTimeout(20_000);
        return s;
    }

    private static BufferedReader reader(Socket s) throws Exception {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    private static int code(String line) {
        return Integer.parseInt(line.substring(0, 3));
    }
}

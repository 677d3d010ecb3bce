package org.modftpd.itest.support;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;

/** A real FTP client session (Apache Commons Net) with assertions on replies. */
public final class Ftp implements AutoCloseable {

    private final FTPClient client = new FTPClient();
    private Reply greeting;

    private Ftp() {
    }

    public static Ftp connect(int port) throws IOException {
        return connect("127.0.0.1", port);
    }

    public static Ftp connect(String host, int port) throws IOException {
        Ftp ftp = new Ftp();
        ftp.client.setConnectTimeout(10_000);
        ftp.client.setDefaultTimeout(30_000);
        ftp.client.connect(InetAddress.getByName(host), port);
        ftp.client.setSoTimeout(30_000);
        ftp.greeting = ftp.last();
        return ftp;
    }

    /** Connects from a given local address (for rules about client addresses). */
    public static Ftp connectFrom(String localAddress, int port) throws IOException {
        Ftp ftp = new Ftp();
        ftp.client.setConnectTimeout(10_000);
        ftp.client.setDefaultTimeout(30_000);
        ftp.client.connect(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(localAddress), 0);
        ftp.client.setSoTimeout(30_000);
        ftp.greeting = ftp.last();
        return ftp;
    }

    public Reply greeting() {
        return greeting;
    }

    public FTPClient client() {
        return client;
    }

    /** Sends a raw command line and returns the reply. */
    public Reply send(String line) throws IOException {
        client.sendCommand(line);
        return last();
    }

    public Reply last() {
        return new Reply(client.getReplyCode(), Arrays.asList(client.getReplyStrings()));
    }

    /** Sends a command and asserts the code of its reply. */
    public Reply expect(int code, String line) throws IOException {
        Reply r = send(line);
        assertEquals("reply to " + line + ": " + r, code, r.code());
        return r;
    }

    /** USER and PASS; asserts 230. */
    public Ftp login(String user, String password) throws IOException {
        expect(331, "USER " + user);
        expect(230, "PASS " + password);
        return this;
    }

    public Ftp binary() throws IOException {
        client.setFileType(FTP.BINARY_FILE_TYPE);
        return this;
    }

    public Ftp passive() {
        client.enterLocalPassiveMode();
        return this;
    }

    public Ftp active() {
        client.enterLocalActiveMode();
        return this;
    }

    public byte[] retrieve(String path) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!client.retrieveFile(path, out)) {
            throw new IOException("RETR " + path + " failed: " + last());
        }
        return out.toByteArray();
    }

    public void store(String path, byte[] data) throws IOException {
        if (!client.storeFile(path, new ByteArrayInputStream(data))) {
            throw new IOException("STOR " + path + " failed: " + last());
        }
    }

    /**
     * Sends QUIT and waits until the server has closed the connection: once it has, the session no
     * longer counts against any limit.
     */
    public void quit() {
        try {
            client.sendCommand("QUIT");
            while (client.getReply() > 0) {
                // read whatever is left until the server closes
            }
        } catch (IOException closed) {
            // the server has closed the connection (or already had)
        }
        close();
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect();
            }
        } catch (IOException ignored) {
            // the test is over with this session either way
        }
    }
}

package org.modftpd.pgsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The PostgreSQL driver through the factory, against the machine's server socket when there is one. */
class UnixSocketFactoryTest {

    private static final Path SOCKET = Path.of("/var/run/postgresql/.s.PGSQL.5432");

    @Test
    void theDriverTalksThroughTheUnixSocket() throws Exception {
        Assumptions.assumeTrue(Files.exists(SOCKET), "no PostgreSQL socket at " + SOCKET);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://localhost:5432/test");
        ds.setUser("postgres");
        ds.setSocketFactory(UnixSocketFactory.class.getName());
        ds.setSocketFactoryArg(SOCKET.toString());
        ds.setSslMode("disable");
        ds.setSocketTimeout(30);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 40 + 2, inet_client_addr() IS NULL")) {
            rs.next();
            assertEquals(42, rs.getInt(1));
            assertEquals(true, rs.getBoolean(2), "a Unix socket client has no address");
            assertEquals(true, c.isValid(2));
        }
    }
}

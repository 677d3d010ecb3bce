package org.modftpd.itest.sql;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.modftpd.itest.support.Provision;

/**
 * The distribution (not pax-exam): {@code bin/modftpd -t} checks a configuration that uses mod_sql
 * with the bundles and modules it ships, and reports mod_sql's bad lines with file and line.
 */
public class SqlDistributionIT {

    private static final String GOOD = String.join("\n",
            "ServerName \"sql check\"",
            "Port 2199",
            "DefaultAddress 127.0.0.1",
            "AuthOrder mod_sql.c mod_auth_file.c",
            "<IfModule mod_sql.c>",
            "  SQLBackend postgres",
            "  SQLConnectInfo ftp@127.0.0.1:5432 ftpd secret",
            "  SQLNamedConnectInfo logdb mysql logs@/run/mysqld/mysqld.sock ftpd secret",
            "  SQLAuthTypes Crypt OpenSSL SHA256 Bcrypt Argon2",
            "  SQLUserInfo users userid passwd uid gid homedir shell",
            "  SQLGroupInfo groups groupname gid members",
            "  SQLUserWhereClause \"disabled = 0\"",
            "  SQLMinID 1000",
            "  SQLNegativeCache on",
            "  SQLOptions NoDisconnectOnError UseNormalizedGroupSchema",
            "  SQLKeepAlive 30",
            "  SQLNamedQuery log_xfer INSERT \"'%u', '%f', %b, '%{time:%Y-%m-%d %H:%M:%S}'\" xferlog logdb",
            "  SQLLog RETR,STOR,ERR_RETR log_xfer IGNORE_ERRORS",
            "  SQLNamedQuery last SELECT \"lastdir FROM users WHERE userid = '%u'\"",
            "  SQLShowInfo PASS 230 \"Last directory: %{last}\"",
            "  SQLLogFile /var/log/modftpd-sql.log",
            "</IfModule>",
            "<IfModule mod_sql_passwd.c>",
            "  SQLPasswordEngine on",
            "  SQLPasswordEncoding base64",
            "</IfModule>",
            "<IfModule mod_sql_postgres.c>",
            "  SQLRatioStats on",
            "</IfModule>",
            "");

    private static String check(Path conf) throws IOException, InterruptedException {
        Path bin = Provision.dist().resolve("bin/modftpd");
        Process p = new ProcessBuilder(bin.toString(), "-t", "-c", conf.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("bin/modftpd -t finished", p.waitFor(60, TimeUnit.SECONDS));
        return p.exitValue() + "\n" + out;
    }

    @Test
    public void syntaxOkWithModSql() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "itest-work", "SqlDistributionIT"));
        Path conf = dir.resolve("proftpd.conf");
        Files.writeString(conf, GOOD);
        String out = check(conf);
        assertTrue(out, out.startsWith("0\n") && out.contains("Syntax OK"));

        Files.writeString(conf, GOOD.replace("SQLBackend postgres", "SQLBackend odbc")
                .replace("SQLAuthTypes Crypt", "SQLAuthTypes Crypt Rot13")
                .replace("SQLLog RETR,STOR,ERR_RETR log_xfer IGNORE_ERRORS", "SQLLog RETR"));
        String bad = check(conf);
        assertEquals(bad, "1", bad.substring(0, 1));
        assertTrue(bad, bad.contains(conf.toAbsolutePath() + ":6: SQLBackend: SQLBackend 'odbc' is not supported"));
        assertTrue(bad, bad.contains(":9: SQLAuthTypes: unknown SQLAuthType 'Rot13'"));
        assertTrue(bad, bad.contains(":18: SQLLog: needs at least 2 parameters"));
        assertTrue(bad, bad.contains("Syntax check failed"));
    }
}

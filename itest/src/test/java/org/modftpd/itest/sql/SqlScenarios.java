package org.modftpd.itest.sql;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.Reply;

/**
 * mod_sql's behaviour on one backend, after ProFTPD's mod_sql tests (tests/t/lib/ProFTPD/Tests/
 * Modules/mod_sql_sqlite.pm): logins against the default tables, every SQLAuthTypes scheme, groups
 * in {@code <Limit>}, custom named queries, SQLUserWhereClause, SQLNegativeCache, SQLLog, SQLShowInfo
 * and injection attempts. Each concrete class runs them on its own database.
 */
public abstract class SqlScenarios extends SqlTestSupport {

    @Override
    protected void seed() throws Exception {
        super.seed();
        db().update("ALTER TABLE " + table("users") + " ADD allowed VARCHAR(8)");
        db().update("ALTER TABLE " + table("users") + " ADD lastdir VARCHAR(255)");
        db().update("ALTER TABLE " + table("users") + " ADD logins INTEGER");
        db().update("UPDATE " + table("users") + " SET allowed = 'true', logins = 0");
        addUser("denied", "$1$cmd5salt$XmbML3u4t/k8D7lI54lu9.", 2001, 2000); // c_md5-pw
        db().update("UPDATE " + table("users") + " SET allowed = 'false' WHERE userid = 'denied'");
        db().update("UPDATE " + table("users") + " SET lastdir = '/path/to/lastdir' WHERE userid = 'c_sha512'");
        // c_sha is a prefix of two members' names but a member of nothing (ProFTPD Issue #928)
        addUser("c_sha", "$1$cmd5salt$XmbML3u4t/k8D7lI54lu9.", 2002, 2000); // c_md5-pw
        addUser("staffer", "$1$cmd5salt$XmbML3u4t/k8D7lI54lu9.", 2003, 3000); // primary group ftpstaff
        db().update("INSERT INTO " + table("groups") + " (groupname, gid, members) VALUES (?, ?, ?)", "ftpstaff", 3000,
                "c_sha256,c_sha512");
        database().createTable(db(), "salts", "userid VARCHAR(64), salt VARCHAR(64)");
        db().update("INSERT INTO " + table("salts") + " (userid, salt) VALUES (?, ?)", ARGON2_RAW_USER[0],
                ARGON2_RAW_SALT);
        database().createTable(db(), "xfer", "username VARCHAR(255), cmd VARCHAR(16), path VARCHAR(1024),"
                + " bytes BIGINT, code VARCHAR(8), dir VARCHAR(1024)");
        database().createTable(db(), "cmdlog", "username VARCHAR(1024), orig VARCHAR(1024), cmdline VARCHAR(1024),"
                + " arg VARCHAR(1024), abspath VARCHAR(1024), code VARCHAR(8)");
    }

    private static final String CRYPT = "SQLAuthTypes Crypt\n";

    private void login(Ftp ftp, String user, String password) throws IOException {
        ftp.expect(331, "USER " + user);
        ftp.expect(230, "PASS " + password);
    }

    private void refused(String user, String password) throws IOException {
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER " + user);
            assertEquals("Login incorrect.", ftp.expect(530, "PASS " + password).text());
            ftp.expect(331, "USER " + user);
        }
    }

    // ------------------------------------------------------------------ logins

    /** sql_bug2045: the default users/groups tables; the 230 reply is one line. */
    @Test
    public void loginWrongPasswordAndUnknownUser() throws Exception {
        reconfigure(CRYPT);
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER c_sha512");
            Reply r = ftp.expect(230, "PASS c_sha512-pw");
            assertEquals(List.of("230 User c_sha512 logged in"), r.lines());
            assertEquals("257 \"/\" is the current directory", ftp.expect(257, "PWD").lines().get(0));
        }
        refused("c_sha512", "wrong");
        refused("nobody-here", "c_sha512-pw");
        // the file users are still there behind mod_sql in AuthOrder
        try (Ftp ftp = login("alice", Provision.ALICE_PASSWORD)) {
            ftp.expect(257, "PWD");
        }
    }

    /** Every SQLAuthTypes scheme: each user logs in with its password and not with another. */
    @Test
    public void everyAuthType() throws Exception {
        reconfigure("SQLAuthTypes Crypt OpenSSL MD5 SHA1 SHA256 SHA512 Bcrypt Argon2 Plaintext Empty\n"
                + "SQLPasswordEngine on\nSQLPasswordEncoding hex\n");
        for (String[] u : AUTH_USERS) {
            try (Ftp ftp = connect()) {
                login(ftp, u[0], u[1]);
            }
            refused(u[0], u[1] + "x");
        }
        try (Ftp ftp = connect()) {
            login(ftp, "empty", "anything at all");
        }
        // mod_sql_passwd's digests need SQLPasswordEngine on
        reconfigure("SQLAuthTypes MD5 SHA256\n");
        refused("p_md5", "p_md5-pw");
        // base64 (SQLPasswordEncoding) and libsodium's argon2i with a per-user salt from a query
        reconfigure("SQLAuthTypes SHA256\nSQLPasswordEngine on\nSQLPasswordEncoding base64\n");
        try (Ftp ftp = connect()) {
            login(ftp, BASE64_USER[0], BASE64_USER[1]);
        }
        refused("p_sha256", "p_sha256-pw");
        reconfigure("SQLAuthTypes Argon2\nSQLPasswordEngine on\nSQLPasswordEncoding hex\n"
                + "SQLNamedQuery get-salt SELECT \"salt FROM " + table("salts") + " WHERE userid = '%{0}'\"\n"
                + "SQLPasswordUserSalt sql:/get-salt\n");
        try (Ftp ftp = connect()) {
            login(ftp, ARGON2_RAW_USER[0], ARGON2_RAW_USER[1]);
        }
        refused(ARGON2_RAW_USER[0], "argraw");
        // Empty is not in the list: an empty stored password matches nothing
        reconfigure("SQLAuthTypes Plaintext\n");
        refused("empty", "");
        refused("empty", "x");
    }

    /** Group membership (members lists and the primary gid) decides a {@code <Limit>}. */
    @Test
    public void groupsDriveLimits() throws Exception {
        reconfigure("SQLAuthTypes Crypt\n<Limit MKD XMKD>\n  AllowGroup ftpstaff\n  DenyAll\n</Limit>\n");
        try (Ftp ftp = connect()) {
            login(ftp, "c_sha512", "c_sha512-pw"); // member by list
            ftp.expect(257, "MKD made-by-member");
        }
        try (Ftp ftp = connect()) {
            login(ftp, "staffer", "c_md5-pw"); // member by primary gid
            ftp.expect(257, "MKD made-by-primary");
        }
        for (String user : new String[] {"c_md5", "c_sha"}) {
            try (Ftp ftp = connect()) {
                login(ftp, user, "c_md5-pw");
                ftp.expect(550, "MKD not-" + user);
            }
        }
        // UseNormalizedGroupSchema: one member per row
        db().update("INSERT INTO " + table("groups") + " (groupname, gid, members) VALUES (?, ?, ?)", "ftpnorm", 3001,
                "c_md5");
        reconfigure("SQLAuthTypes Crypt\nSQLOptions UseNormalizedGroupSchema\n"
                + "<Limit MKD XMKD>\n  AllowGroup ftpnorm\n  DenyAll\n</Limit>\n");
        try (Ftp ftp = connect()) {
            login(ftp, "c_md5", "c_md5-pw");
            ftp.expect(257, "MKD normalized");
        }
        try (Ftp ftp = connect()) {
            login(ftp, "c_sha512", "c_sha512-pw");
            ftp.expect(550, "MKD not-normalized");
        }
        // SQLAuthenticate users only: no groups from SQL
        reconfigure("SQLAuthTypes Crypt\nSQLAuthenticate users\n<Limit MKD XMKD>\n  AllowGroup ftpstaff\n  DenyAll\n"
                + "</Limit>\n");
        try (Ftp ftp = connect()) {
            login(ftp, "c_sha512", "c_sha512-pw");
            ftp.expect(550, "MKD no-groups");
        }
    }

    /** sql_custom_user_info, sql_userset_bug2434: users and groups from named queries. */
    @Test
    public void customNamedQueries() throws Exception {
        String users = table("users");
        String groups = table("groups");
        reconfigure(CRYPT
                + "SQLAuthenticate users groups userset groupset\n"
                + "SQLUserInfo custom:/get-user-by-name/get-user-by-id/get-user-names/get-all-users\n"
                + "SQLNamedQuery get-user-by-name SELECT \"userid, passwd, uid, gid, homedir, shell FROM " + users
                + " WHERE userid = '%U'\"\n"
                + "SQLNamedQuery get-user-by-id SELECT \"userid, passwd, uid, gid, homedir, shell FROM " + users
                + " WHERE uid = %{0}\"\n"
                + "SQLNamedQuery get-user-names SELECT \"userid FROM " + users + "\"\n"
                + "SQLNamedQuery get-all-users SELECT \"userid, passwd, uid, gid, homedir, shell FROM " + users + "\"\n"
                + "SQLGroupInfo custom:/get-group-by-name/get-group-by-id/get-group-by-member\n"
                + "SQLNamedQuery get-group-by-name SELECT \"groupname, gid, members FROM " + groups
                + " WHERE groupname = '%{0}'\"\n"
                + "SQLNamedQuery get-group-by-id SELECT \"groupname, gid, members FROM " + groups
                + " WHERE gid = %{0}\"\n"
                + "SQLNamedQuery get-group-by-member SELECT \"groupname, gid, '%{0}' FROM " + groups
                + " WHERE members LIKE '%%%{0}%%'\"\n"
                + "<Limit MKD XMKD>\n  AllowGroup ftpstaff\n  DenyAll\n</Limit>\n");
        try (Ftp ftp = connect()) {
            login(ftp, "c_sha512", "c_sha512-pw");
            ftp.expect(257, "MKD custom");
        }
        refused("c_sha512", "nope");
        try (Ftp ftp = connect()) {
            login(ftp, "c_md5", "c_md5-pw");
            ftp.expect(550, "MKD custom-denied");
        }
    }

    /** sql_user_where_clause_ok and _with_vars_ok: SQLUserWhereClause applies to every user lookup. */
    @Test
    public void userWhereClause() throws Exception {
        reconfigure(CRYPT + "SQLUserWhereClause \"allowed = 'true'\"\n");
        refused("denied", "c_md5-pw");
        try (Ftp ftp = connect()) {
            login(ftp, "c_md5", "c_md5-pw");
        }
        reconfigure(CRYPT + "SQLUserWhereClause \"allowed = 'true' AND '%a' = '127.0.0.1'\"\n");
        try (Ftp ftp = connect()) {
            login(ftp, "c_md5", "c_md5-pw");
        }
        try (Ftp ftp = Ftp.connect("::1", port())) {
            ftp.expect(331, "USER c_md5");
            ftp.expect(530, "PASS c_md5-pw");
        }
        refused("denied", "c_md5-pw");
    }

    /**
     * sql_negative_cache_bug3282: with SQLNegativeCache, a name not found stays unknown for the rest
     * of the session; the next session looks again. And an unknown name does not spoil a real one.
     */
    @Test
    public void negativeCache() throws Exception {
        reconfigure(CRYPT + "SQLNegativeCache on\n");
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER ghost");
            ftp.expect(530, "PASS c_md5-pw");
            addUser("ghost", "$1$cmd5salt$XmbML3u4t/k8D7lI54lu9.", 2010, 2000);
            ftp.expect(331, "USER ghost");
            ftp.expect(530, "PASS c_md5-pw"); // still cached as missing in this session
            ftp.expect(331, "USER c_md5");
            Reply r = ftp.expect(230, "PASS c_md5-pw");
            assertEquals(List.of("230 User c_md5 logged in"), r.lines());
        }
        try (Ftp ftp = connect()) {
            login(ftp, "ghost", "c_md5-pw");
        }
        reconfigure(CRYPT);
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER ghost2");
            ftp.expect(530, "PASS c_md5-pw");
            addUser("ghost2", "$1$cmd5salt$XmbML3u4t/k8D7lI54lu9.", 2011, 2000);
            ftp.expect(331, "USER ghost2");
            ftp.expect(230, "PASS c_md5-pw"); // without the cache the next lookup finds it
        }
    }

    /** sql_sqllog and friends: one row per RETR and STOR, ERR_ rows, UPDATE queries and EXIT. */
    @Test
    public void sqlLogCountsTransfers() throws Exception {
        String xfer = table("xfer");
        reconfigure(CRYPT
                + "SQLNamedQuery log_xfer INSERT \"'%u', '%m', '%f', %b, '%s', '%d'\" " + xfer + "\n"
                + "SQLNamedQuery log_err FREEFORM \"INSERT INTO " + xfer
                + " (username, cmd, path, bytes, code) VALUES ('%u', 'ERR_%m', '%F', 0, '%s')\"\n"
                + "SQLNamedQuery count_login UPDATE \"logins = logins + 1 WHERE userid = '%u'\" " + table("users") + "\n"
                + "SQLNamedQuery log_exit FREEFORM \"INSERT INTO " + xfer
                + " (username, cmd, path, bytes, code, dir) VALUES ('%u', 'EXIT', '-', 0, '-', '%d')\"\n"
                + "SQLLog RETR,STOR log_xfer\nSQLLog ERR_RETR log_err\nSQLLog PASS count_login\nSQLLog EXIT log_exit\n");
        byte[] data = "0123456789".repeat(100).getBytes(StandardCharsets.US_ASCII);
        Files.createDirectories(sqlHome("c_sha512").resolve("sub"));
        try (Ftp ftp = connect()) {
            login(ftp, "c_sha512", "c_sha512-pw");
            ftp.binary().passive();
            for (int i = 0; i < 3; i++) {
                ftp.store("f" + i + ".bin", data);
            }
            for (int i = 0; i < 2; i++) {
                assertEquals(data.length, ftp.retrieve("f" + i + ".bin").length);
            }
            ftp.expect(550, "RETR missing.bin");
            ftp.expect(250, "CWD sub");
            ftp.expect(221, "QUIT");
        }
        assertEquals(3, db().count("SELECT count(*) FROM " + xfer + " WHERE cmd = 'STOR' AND username = 'c_sha512'"
                + " AND bytes = 1000 AND code = '226'"));
        assertEquals(2, db().count("SELECT count(*) FROM " + xfer + " WHERE cmd = 'RETR' AND bytes = 1000"));
        assertEquals(sqlHome("c_sha512").resolve("f2.bin").toString(),
                db().value("SELECT path FROM " + xfer + " WHERE cmd = 'STOR' ORDER BY path DESC"));
        assertEquals(List.of(List.of("/missing.bin", "550")),
                db().rows("SELECT path, code FROM " + xfer + " WHERE cmd = 'ERR_RETR'"));
        assertEquals("1", db().value("SELECT logins FROM " + table("users") + " WHERE userid = 'c_sha512'"));
        // the EXIT row is written as the session ends, after the client has gone
        await("the EXIT row", 10, () -> count("SELECT count(*) FROM " + xfer + " WHERE cmd = 'EXIT'") == 1);
        assertEquals("/sub", db().value("SELECT dir FROM " + xfer + " WHERE cmd = 'EXIT'"));
    }

    private static long count(String sql) {
        try {
            return db().count(sql);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** sql_sqlshowinfo_pass_bug3423 and _pass_failed_bug3782: SQLShowInfo lines, as ProFTPD folds them. */
    @Test
    public void showInfoLines() throws Exception {
        String users = table("users");
        reconfigure(CRYPT
                + "SQLNamedQuery lastdir SELECT \"lastdir FROM " + users + " WHERE userid = '%u'\"\n"
                + "SQLNamedQuery nothing SELECT \"lastdir FROM " + users + " WHERE userid = 'no such user'\"\n"
                + "SQLNamedQuery why SELECT \"allowed FROM " + users + " WHERE userid = '%U'\"\n"
                + "SQLShowInfo PASS 230 \" \"\n"
                + "SQLShowInfo PASS 230 \"Greetings, %u\"\n"
                + "SQLShowInfo PASS 230 \"Last directory: \\\"%{lastdir}\\\"\"\n"
                + "SQLShowInfo PASS 230 \"Never shown: %{nothing}\"\n"
                + "SQLShowInfo PASS 230 \"-\"\n"
                + "SQLShowInfo ERR_PASS 530 \"Sorry, %U\"\n"
                + "SQLShowInfo ERR_PASS 530 \"allowed=%{why}\"\n"
                + "SQLShowInfo CWD 250 \"%m done\"\n");
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER c_sha512");
            Reply r = ftp.expect(230, "PASS c_sha512-pw");
            assertEquals(List.of("230- ", " Greetings, c_sha512", " Last directory: \"/path/to/lastdir\"", " -",
                    "230 User c_sha512 logged in"), r.lines());
            Reply cwd = ftp.expect(250, "CWD /");
            assertEquals(List.of("250-CWD command successful", "250 CWD done"), cwd.lines());
        }
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER denied");
            Reply r = ftp.expect(530, "PASS wrong");
            assertEquals(List.of("530-Login incorrect.", " Sorry, denied", "530 allowed=false"), r.lines());
        }
    }

    /**
     * ProFTPD's mod_sql CVEs were all injection (CVE-2009-0542 '%' in names, Issue 2188 SITE CHGRP
     * group names): user names and command arguments full of SQL reach SQLLog, SQLShowInfo, the
     * WHERE clauses and the group queries as data, the tables stay as they were, and the log rows
     * hold the payloads verbatim.
     */
    @Test
    public void injectionAttemptsStayData() throws Exception {
        String cmdlog = table("cmdlog");
        reconfigure(CRYPT
                + "SQLUserWhereClause \"allowed = 'true' AND '%U' <> ''\"\n"
                + "SQLNamedQuery log_all FREEFORM \"INSERT INTO " + cmdlog
                + " (username, orig, cmdline, arg, abspath, code) VALUES ('%u', '%U', '%r', '%J', '%F', '%s')\"\n"
                + "SQLLog * log_all\nSQLLog ERR_* log_all\n"
                + "SQLShowInfo ERR_PASS 530 \"no user %U\"\n");
        String before = fingerprint();
        List<String> names = List.of("x';DROP/**/TABLE/**/" + table("users") + ";--", "%'OR'1'='1", "'OR(1=1)#",
                "\\';DROP/**/TABLE/**/" + table("groups") + ";--", "a\"OR\"1\"=\"1", "%u%{env:HOME}%%'",
                "$$;DELETE/**/FROM/**/" + table("users") + ";$$", "'||(SELECT/**/passwd/**/FROM/**/" + table("users")
                        + ")||'");
        List<String> args = List.of("x'; DROP TABLE " + table("users") + "; --", "' OR '1'='1",
                "\\'; DELETE FROM " + table("users") + "; --", "\"; DROP TABLE " + table("groups") + "; --",
                "%u %{env:PATH} %% '%'");
        for (String name : names) {
            try (Ftp ftp = connect()) {
                ftp.expect(331, "USER " + name);
                Reply r = ftp.expect(530, "PASS c_md5-pw");
                assertEquals("the ShowInfo line carries the name as it was typed", "530 no user " + name,
                        r.lines().get(r.lines().size() - 1));
            }
        }
        try (Ftp ftp = connect()) {
            login(ftp, "c_md5", "c_md5-pw");
            for (String a : args) {
                Reply r = ftp.send("SITE CHGRP " + a + " test.dat");
                assertTrue(r.toString(), r.code() >= 500);
                ftp.expect(550, "RETR " + a);
                ftp.send("MKD " + a);
                ftp.send("RMD " + a);
            }
        }
        assertEquals("users and groups are untouched", before, fingerprint());
        for (String name : names) {
            assertEquals(name, 1, db().count("SELECT count(*) FROM " + cmdlog + " WHERE orig = ? AND cmdline LIKE 'USER%'",
                    name));
        }
        for (String a : args) {
            assertEquals(a, 1, db().count("SELECT count(*) FROM " + cmdlog + " WHERE cmdline = ? AND code = '500'",
                    "SITE CHGRP " + a + " test.dat"));
            assertEquals(a, 1, db().count("SELECT count(*) FROM " + cmdlog + " WHERE arg = ? AND code = '550'"
                    + " AND cmdline LIKE 'RETR%'", a));
            assertEquals(a, 1, db().count("SELECT count(*) FROM " + cmdlog + " WHERE abspath = ? AND cmdline LIKE"
                    + " 'RETR%'", "/" + a));
        }
        // and logins still work
        try (Ftp ftp = connect()) {
            login(ftp, "c_sha512", "c_sha512-pw");
        }
    }

    /** The users and groups tables, every row, in one string. */
    private String fingerprint() throws Exception {
        List<String> all = new ArrayList<>();
        for (List<String> row : db().rows("SELECT userid, passwd, uid, gid, homedir, shell, allowed FROM "
                + table("users") + " ORDER BY userid")) {
            all.add(String.join("|", row.stream().map(String::valueOf).toList()));
        }
        for (List<String> row : db().rows("SELECT groupname, gid, members FROM " + table("groups")
                + " ORDER BY groupname")) {
            all.add(String.join("|", row.stream().map(String::valueOf).toList()));
        }
        assertFalse(all.isEmpty());
        assertNotNull(db().value("SELECT count(*) FROM " + table("users")));
        return String.join("\n", all);
    }
}

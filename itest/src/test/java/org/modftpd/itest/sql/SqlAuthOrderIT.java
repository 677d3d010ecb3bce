package org.modftpd.itest.sql;

import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;

/**
 * {@code AuthOrder mod_sql.c* mod_auth_file.c}: mod_sql is authoritative, so users only
 * mod_auth_file knows are refused (ProFTPD's authorder_*_authoritative); SQL users log in.
 */
public class SqlAuthOrderIT extends SqlTestSupport {

    @Override
    protected TestDatabase.Kind kind() {
        return TestDatabase.Kind.SQLITE;
    }

    @Override
    protected String authOrder() {
        return "mod_sql.c* mod_auth_file.c";
    }

    @Override
    protected String sqlConfiguration(Provision.Env env) {
        return "SQLAuthTypes Crypt\n";
    }

    @Test
    public void anAuthoritativeModSqlRefusesFileUsers() throws Exception {
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER alice");
            ftp.expect(530, "PASS " + Provision.ALICE_PASSWORD);
        }
        try (Ftp ftp = login("c_sha512", "c_sha512-pw")) {
            ftp.expect(257, "PWD");
        }
    }
}

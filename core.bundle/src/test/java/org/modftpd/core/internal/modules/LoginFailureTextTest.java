package org.modftpd.core.internal.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.modftpd.spi.AuthResult;

/**
 * The reasons of {@code USER x (Login failed): <reason>} lines, worded as ProFTPD words them for the
 * matching auth codes, so log watchers written for ProFTPD match.
 */
class LoginFailureTextTest {

    @Test
    void reasonsUseProftpdsWording() {
        assertEquals("Incorrect password", AuthModule.describe(AuthResult.BAD_PASSWORD));
        assertEquals("Incorrect password", AuthModule.describe(AuthResult.DECLINED));
        assertEquals("No such user found", AuthModule.describe(AuthResult.NO_SUCH_USER));
        assertEquals("Account disabled", AuthModule.describe(AuthResult.DISABLED));
        assertEquals("Password expired", AuthModule.describe(AuthResult.EXPIRED));
        assertEquals("Unavailable authentication service", AuthModule.describe(AuthResult.UNAVAILABLE));
    }
}

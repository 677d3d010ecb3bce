package org.modftpd.mod_auth_file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.modftpd.mod_auth_file.AuthFileModule.Filters;

class FiltersTest {

    private static Filters user(String... args) {
        return Filters.parse(List.of(args), true);
    }

    private static String userError(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> user(args)).getMessage();
    }

    private static String groupError(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> Filters.parse(List.of(args), false)).getMessage();
    }

    @Test
    void pathAloneHasNoFilters() {
        Filters f = user("/etc/ftpd.passwd");
        assertEquals(Path.of("/etc/ftpd.passwd"), f.path());
        assertEquals(0, f.minId());
        assertEquals(Long.MAX_VALUE, f.maxId());
        assertNull(f.home());
        assertNull(f.name());
    }

    @Test
    void idRangeAndSingleId() {
        Filters f = user("/p", "id", "1000-2000");
        assertEquals(1000, f.minId());
        assertEquals(2000, f.maxId());
        Filters one = user("/p", "ID", "500");
        assertEquals(500, one.minId());
        assertEquals(500, one.maxId());
    }

    @Test
    void homeAndNameRegexesFindAnywhere() {
        Filters f = user("/p", "home", "^/home/", "name", "ftp");
        assertTrue(f.home().matcher("/home/alice").find());
        assertFalse(f.home().matcher("/srv/home/alice").find());
        assertTrue(f.name().matcher("myftpuser").find());
        assertFalse(f.name().matcher("alice").find());
    }

    @Test
    void negatedRegexesMatchWhatTheRegexDoesNot() {
        Filters f = user("/p", "home", "!^/root", "name", "!adm");
        assertTrue(f.home().matcher("/home/alice").find());
        assertFalse(f.home().matcher("/root").find());
        assertFalse(f.home().matcher("/rootless").find());
        assertTrue(f.name().matcher("alice").find());
        assertFalse(f.name().matcher("sysadmin").find());
    }

    @Test
    void allFiltersTogetherInAnyOrder() {
        Filters f = user("/p", "name", "^a", "id", "10-20", "home", "/srv");
        assertEquals(10, f.minId());
        assertEquals(20, f.maxId());
        assertTrue(f.name().matcher("alice").find());
        assertTrue(f.home().matcher("/srv/a").find());
    }

    @Test
    void groupFilesTakeIdAndNameButNoHome() {
        Filters f = Filters.parse(List.of("/etc/ftpd.group", "id", "100-199", "name", "^ftp"), false);
        assertEquals(100, f.minId());
        assertEquals(199, f.maxId());
        assertTrue(f.name().matcher("ftpusers").find());
        assertEquals("AuthGroupFile has no home filter", groupError("/g", "home", "^/x"));
    }

    @Test
    void errors() {
        assertEquals("'relative/passwd' is not an absolute path", userError("relative/passwd"));
        assertEquals("'id' needs a value", userError("/p", "id"));
        assertEquals("'name' needs a value", userError("/p", "id", "1-2", "name"));
        assertEquals("bad id range 'abc'", userError("/p", "id", "abc"));
        assertEquals("bad id range '1000-'", userError("/p", "id", "1000-"));
        assertEquals("bad id range '-5'", userError("/p", "id", "-5"));
        assertEquals("bad id range '1-2-3'", userError("/p", "id", "1-2-3"));
        assertEquals("bad regular expression '['", userError("/p", "home", "["));
        assertEquals("bad regular expression '!('", userError("/p", "name", "!("));
        assertEquals("unknown filter 'shell'", userError("/p", "shell", "/bin/sh"));
    }

    @Test
    void reversedIdRangeIsAnError() {
        assertEquals("bad id range '2000-1000'", userError("/p", "id", "2000-1000"));
    }

    @Test
    void directiveSpecsCountArguments() {
        assertEquals("too many parameters (at most 7)", assertThrows(IllegalArgumentException.class,
                () -> AuthFileModule.AUTH_USER_FILE.parse(List.of("/p", "id", "1-2", "home", "x", "name", "y", "z")))
                .getMessage());
        assertEquals("too many parameters (at most 5)", assertThrows(IllegalArgumentException.class,
                () -> AuthFileModule.AUTH_GROUP_FILE.parse(List.of("/g", "id", "1-2", "name", "y", "z")))
                .getMessage());
        AuthFileModule.UserFile u = AuthFileModule.AUTH_USER_FILE.parse(List.of("/p", "id", "5-6"));
        assertEquals(Path.of("/p"), u.path());
        assertEquals(5, u.minId());
        assertEquals(List.of("InsecurePerms"), AuthFileModule.AUTH_FILE_OPTIONS.parse(List.of("InsecurePerms")));
        assertEquals("unknown option 'Loose'", assertThrows(IllegalArgumentException.class,
                () -> AuthFileModule.AUTH_FILE_OPTIONS.parse(List.of("Loose"))).getMessage());
    }
}

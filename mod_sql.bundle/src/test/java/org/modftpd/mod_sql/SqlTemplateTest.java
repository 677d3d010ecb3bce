package org.modftpd.mod_sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.modftpd.mod_sql.SqlTemplate.Bound;
import org.modftpd.mod_sql.SqlTemplate.TemplateException;

/** The template compiler: where values go, and that none of them ever becomes SQL text. */
class SqlTemplateTest {

    private static final String EVIL = "x'; DROP TABLE users; --";

    private static Bound bind(String template, Backend b, Map<String, String> values) throws TemplateException {
        return SqlTemplate.compile(template, b).bind(values::get);
    }

    @Test
    void quotedLiteralWithAVariableBecomesOneParameter() throws Exception {
        Bound r = bind("SELECT lastdir FROM users WHERE userid = '%u'", Backend.POSTGRES, Map.of("%u", EVIL));
        assertEquals("SELECT lastdir FROM users WHERE userid = ?", r.sql());
        assertEquals(List.of(EVIL), r.params());
    }

    @Test
    void literalTextAroundVariablesIsKeptInTheParameter() throws Exception {
        Bound r = bind("INSERT INTO t VALUES ('%u@%v', 'it''s')", Backend.SQLITE3,
                Map.of("%u", "bob", "%v", "host"));
        assertEquals("INSERT INTO t VALUES (?, 'it''s')", r.sql());
        assertEquals(List.of("bob@host"), r.params());
    }

    @Test
    void percentPercentIsAPercentSign() throws Exception {
        Bound r = bind("members LIKE '%%,%{0},%%'", Backend.MYSQL, Map.of("%{0}", "ann"));
        assertEquals("members LIKE ?", r.sql());
        assertEquals(List.of("%,ann,%"), r.params());
    }

    @Test
    void bareVariablesAreParametersAndNumbersAreBoundAsNumbersWhereThatHelps() throws Exception {
        Bound my = bind("UPDATE users SET count = count + %b WHERE uid = %{0}", Backend.MYSQL,
                Map.of("%b", "12", "%{0}", "1000"));
        assertEquals("UPDATE users SET count = count + ? WHERE uid = ?", my.sql());
        assertEquals(List.of(12L, 1000L), my.params());
        Bound pg = bind("UPDATE users SET count = count + %b", Backend.POSTGRES, Map.of("%b", "12"));
        assertEquals(List.of("12"), pg.params(), "PostgreSQL infers the type of a string parameter");
        Bound text = bind("x = %u", Backend.SQLITE3, Map.of("%u", "1 OR 1=1"));
        assertEquals(List.of("1 OR 1=1"), text.params());
    }

    @Test
    void unknownSequencesStayLiteralSoLikePatternsWork() throws Exception {
        Bound r = bind("SELECT a FROM t WHERE b LIKE 'abc%' AND c = '%u'", Backend.POSTGRES, Map.of("%u", "z"));
        assertEquals("SELECT a FROM t WHERE b LIKE 'abc%' AND c = ?", r.sql());
        assertEquals(List.of("z"), r.params());
    }

    @Test
    void valuesThatLookLikeVariablesAreNotExpandedAgain() throws Exception {
        Bound r = bind("SELECT '%u'", Backend.POSTGRES, Map.of("%u", "%{env:HOME}%u'"));
        assertEquals(List.of("%{env:HOME}%u'"), r.params());
    }

    @Test
    void typedLiteralsAreEscapedInPlace() throws Exception {
        Bound pg = bind("INSERT INTO t VALUES (TIMESTAMP '%{time:%Y}', E'a\\n%u')", Backend.POSTGRES,
                Map.of("%{time:%Y}", "2026'x", "%u", "o\\'k"));
        assertEquals("INSERT INTO t VALUES (TIMESTAMP '2026''x', E'a\\no\\\\''k')", pg.sql());
        assertTrue(pg.params().isEmpty());
        Bound my = bind("SELECT _utf8mb4'%u'", Backend.MYSQL, Map.of("%u", "a\\' OR 1=1 -- "));
        assertEquals("SELECT _utf8mb4'a\\\\'' OR 1=1 -- '", my.sql());
    }

    @Test
    void aBackslashBeforeAVariableCannotEscapeTheValue() throws Exception {
        Bound my = bind("SELECT CONCAT('x', _latin1'\\%u')", Backend.MYSQL, Map.of("%u", "' OR 1=1 #"));
        assertEquals("SELECT CONCAT('x', _latin1'\\\\'' OR 1=1 #')", my.sql());
    }

    @Test
    void mysqlDoubleQuotesAreStringsAndBackslashesEscape() throws Exception {
        Bound r = bind("INSERT INTO t VALUES (\"%u\", 'a\\'b')", Backend.MYSQL, Map.of("%u", EVIL));
        assertEquals("INSERT INTO t VALUES (?, 'a\\'b')", r.sql());
        assertEquals(List.of(EVIL), r.params());
    }

    @Test
    void quotedIdentifiersWithVariablesDoubleTheQuote() throws Exception {
        Bound pg = bind("SELECT \"col_%u\" FROM t", Backend.POSTGRES, Map.of("%u", "a\"b"));
        assertEquals("SELECT \"col_a\"\"b\" FROM t", pg.sql());
        Bound my = bind("SELECT `c%u` FROM t", Backend.MYSQL, Map.of("%u", "a`b"));
        assertEquals("SELECT `ca``b` FROM t", my.sql());
        Bound lite = bind("SELECT [c%u] FROM t", Backend.SQLITE3, Map.of("%u", "a]b"));
        assertEquals("SELECT [cab] FROM t", lite.sql());
    }

    @Test
    void variablesInCommentsAreDropped() throws Exception {
        Bound r = bind("SELECT 1 -- %u\n, '%u' /* %u */", Backend.POSTGRES, Map.of("%u", "v\nDROP"));
        assertEquals("SELECT 1 -- \n, ? /*  */", r.sql());
        assertEquals(List.of("v\nDROP"), r.params());
        Bound my = bind("SELECT 1 # it's %u\n, '%u'", Backend.MYSQL, Map.of("%u", "v"));
        assertEquals("SELECT 1 # it's \n, ?", my.sql());
        Bound notComment = bind("SELECT 1--%u", Backend.MYSQL, Map.of("%u", "2"));
        assertEquals("SELECT 1--?", notComment.sql(), "MySQL needs a blank after --");
    }

    @Test
    void postgresDollarQuotesAndQuestionMarks() throws Exception {
        Bound r = bind("SELECT $$a %u$$, $t$x$t$ WHERE j ? 'k'", Backend.POSTGRES, Map.of("%u", "b$$c"));
        assertEquals("SELECT ?, $t$x$t$ WHERE j ?? 'k'", r.sql());
        assertEquals(List.of("a b$$c"), r.params());
        Bound typed = bind("SELECT date $$%u$$", Backend.POSTGRES, Map.of("%u", "2020'"));
        assertEquals("SELECT date '2020'''", typed.sql());
    }

    @Test
    void variablesGluedToNamesMustBeNames() throws Exception {
        Bound ok = bind("INSERT INTO log_%{time:%Y%m} VALUES ('%u')", Backend.SQLITE3,
                Map.of("%{time:%Y%m}", "202611", "%u", "x"));
        assertEquals("INSERT INTO log_202611 VALUES (?)", ok.sql());
        SqlTemplate t = SqlTemplate.compile("INSERT INTO log_%u VALUES (1)", Backend.SQLITE3);
        assertThrows(TemplateException.class, () -> t.bind(Map.of("%u", "a; DROP TABLE x")::get));
    }

    @Test
    void keywordsBeforeLiteralsStillAllowParameters() throws Exception {
        Bound r = bind("SELECT a FROM t WHERE b LIKE '%u' OR c IN ('%u') AND d = CASE WHEN 1 THEN '%u' ELSE '%u' END",
                Backend.POSTGRES, Map.of("%u", "v"));
        assertEquals("SELECT a FROM t WHERE b LIKE ? OR c IN (?) AND d = CASE WHEN 1 THEN ? ELSE ? END", r.sql());
        assertEquals(4, r.params().size());
    }

    @Test
    void nulCharactersNeverReachTheStatementText() throws Exception {
        Bound r = bind("SELECT TIMESTAMP '%u'", Backend.POSTGRES, Map.of("%u", "a\0b"));
        assertFalse(r.sql().contains("\0"));
    }

    @Test
    void unterminatedQuotesAreRefused() {
        assertThrows(TemplateException.class, () -> SqlTemplate.compile("SELECT 'abc", Backend.POSTGRES));
        assertThrows(TemplateException.class, () -> SqlTemplate.compile("SELECT /* x", Backend.SQLITE3));
    }

    @Test
    void unboundNumberedArgumentsFail() {
        SqlTemplate.Values none = token -> {
            throw new TemplateException("no " + token);
        };
        assertThrows(TemplateException.class,
                () -> SqlTemplate.compile("SELECT %{0}", Backend.MYSQL).bind(none));
    }

    @Test
    void everyKindOfInjectionPayloadStaysAValue() throws Exception {
        List<String> payloads = List.of(EVIL, "a' OR '1'='1", "\\' OR 1=1 -- ", "'); DELETE FROM users; --",
                "%' OR userid LIKE '%", "x\" OR \"1\"=\"1", "$$; DROP TABLE users; $$", "*/ DROP TABLE x /*",
                "a\nDROP TABLE users", "%u%{env:PATH}%%", "\u0000'", "é' OR 'é'='é");
        List<String> templates = List.of("SELECT 1 FROM users WHERE userid = '%u'",
                "INSERT INTO log VALUES ('%u', %b, '%r')", "UPDATE users SET lastdir = '%d' WHERE userid = '%u'",
                "SELECT 1 WHERE a = %u", "SELECT \"%u\"");
        for (Backend b : Backend.values()) {
            for (String t : templates) {
                SqlTemplate compiled = SqlTemplate.compile(t, b);
                for (String p : payloads) {
                    Bound r = compiled.bind(token -> p);
                    String sqlWithoutPayload = r.sql();
                    for (Object param : r.params()) {
                        assertTrue(param.equals(p) || param instanceof Long, b + " " + t + " " + p);
                    }
                    if (!r.params().isEmpty()) {
                        assertFalse(sqlWithoutPayload.contains("DROP") || sqlWithoutPayload.contains("DELETE"),
                                b + " " + t + " leaked: " + r.sql());
                    }
                }
            }
        }
    }
}

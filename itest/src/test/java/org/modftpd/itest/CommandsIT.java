package org.modftpd.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.Test;
import org.modftpd.itest.support.ProtoControl;
import org.modftpd.itest.support.ProtoData.Mode;
import org.modftpd.itest.support.ProtoFiles;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.Reply;
import org.modftpd.itest.support.ServerTestSupport;

/** The exact replies of the control commands, as ProFTPD 1.3.8 words them. */
public class CommandsIT extends ServerTestSupport {

    private static final Instant F_MTIME = Instant.parse("2020-01-02T03:04:05Z");

    @Override
    protected String configuration(Provision.Env env) {
        Path home = env.home("alice");
        try {
            ProtoFiles.write(home.resolve("f.txt"), "hello\n".getBytes(StandardCharsets.US_ASCII));
            Files.setLastModifiedTime(home.resolve("f.txt"), FileTime.from(F_MTIME));
            ProtoFiles.write(home.resolve("d/inner.txt"), "inner\n".getBytes(StandardCharsets.US_ASCII));
            ProtoFiles.mkdirs(home.resolve("with space"));
            ProtoFiles.mkdirs(home.resolve("ren dir"));
            ProtoFiles.write(home.resolve("statdir/inner.txt"), "inner\n".getBytes(StandardCharsets.US_ASCII));
            ProtoFiles.mkdirs(home.resolve("q\"uote"));
            for (String f : List.of("todel.txt", "ren.txt", "ren2.txt", "mf.txt", "chm.txt")) {
                ProtoFiles.write(home.resolve(f), f.getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "DefaultRoot ~\n";
    }

    private ProtoControl alice() throws IOException {
        ProtoControl c = ProtoControl.connect(port());
        try {
            return c.login("alice", Provision.ALICE_PASSWORD);
        } catch (IOException | AssertionError e) {
            c.close();
            throw e;
        }
    }

    private Path home() {
        return home("alice");
    }

    private static void assertLines(Reply r, String... lines) {
        assertEquals(String.join("\n", lines), r.raw());
    }

    // ---------------------------------------------------------------- directories

    @Test
    public void pwdCwdCdupAndTheirXForms() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("PWD", 257, "\"/\" is the current directory");
            c.expect("PWD x", 501, "Invalid number of parameters");
            c.expect("CWD d", 250, "CWD command successful");
            c.expect("PWD", 257, "\"/d\" is the current directory");
            c.expect("CDUP", 250, "CDUP command successful");
            c.expect("PWD", 257, "\"/\" is the current directory");
            c.expect("CDUP", 250, "CDUP command successful");
            c.expect("PWD", 257, "\"/\" is the current directory");
            c.expect("CDUP x", 501, "Invalid number of parameters");
            c.expect("CWD missing", 550, "missing: No such file or directory");
            c.expect("CWD f.txt", 550, "f.txt: Not a directory");
            c.expect("CWD", 501, "Invalid number of parameters");
            c.expect("XCWD d", 250, "XCWD command successful");
            c.expect("XPWD", 257, "\"/d\" is the current directory");
            c.expect("XCUP", 250, "XCUP command successful");
            c.expect("CWD with space", 250, "CWD command successful");
            c.expect("PWD", 257, "\"/with space\" is the current directory");
            c.expect("CWD /q\"uote", 250, "CWD command successful");
            c.expect("PWD", 257, "\"/q\"\"uote\" is the current directory");
            c.expect("CWD ~", 250, "CWD command successful");
            c.expect("PWD", 257, "\"/\" is the current directory");
            c.expect("CWD /d/../d/./", 250, "CWD command successful");
            c.expect("PWD", 257, "\"/d\" is the current directory");
        }
    }

    @Test
    public void mkdAndRmd() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("MKD newdir", 257, "\"/newdir\" - Directory successfully created");
            c.expect("MKD newdir", 550, "newdir: File exists");
            c.expect("MKD a*b", 550, "a*b: Invalid directory name");
            c.expect("MKD nodir/x", 550, "nodir/x: No such file or directory");
            c.expect("MKD", 501, "Invalid number of parameters");
            c.expect("CWD d", 250);
            c.expect("MKD sub", 257, "\"/d/sub\" - Directory successfully created");
            c.expect("MKD ../up", 257, "\"/up\" - Directory successfully created");
            c.expect("XMKD x2", 257, "\"/d/x2\" - Directory successfully created");
            c.expect("CDUP", 250);
            c.expect("MKD my\"dir", 257, "\"/my\"\"dir\" - Directory successfully created");
            assertTrue(Files.isDirectory(home().resolve("d/sub")));
            assertTrue(Files.isDirectory(home().resolve("up")));
            assertTrue(Files.isDirectory(home().resolve("my\"dir")));

            c.expect("RMD d", 550, "d: Directory not empty");
            c.expect("RMD f.txt", 550, "f.txt: Not a directory");
            c.expect("RMD missing", 550, "missing: No such file or directory");
            c.expect("RMD newdir", 250, "RMD command successful");
            c.expect("XRMD d/x2", 250, "XRMD command successful");
            c.expect("RMD", 501, "Invalid number of parameters");
            assertFalse(Files.exists(home().resolve("newdir")));
            assertFalse(Files.exists(home().resolve("d/x2")));
        }
    }

    @Test
    public void deleAndRename() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("DELE d", 550, "d: Is a directory");
            c.expect("DELE missing", 550, "missing: No such file or directory");
            c.expect("DELE todel.txt", 250, "DELE command successful");
            assertFalse(Files.exists(home().resolve("todel.txt")));

            c.expect("RNTO x", 503, "Bad sequence of commands");
            c.expect("RNFR missing", 550, "missing: No such file or directory");
            c.expect("RNFR ren.txt", 350, "File or directory exists, ready for destination name");
            c.expect("RNTO renamed.txt", 250, "Rename successful");
            assertEquals("ren.txt", Files.readString(home().resolve("renamed.txt")));
            assertFalse(Files.exists(home().resolve("ren.txt")));

            // after RNFR only RNTO (and HELP, NOOP, QUIT, STAT) may come; the RNFR stays pending
            c.expect("RNFR renamed.txt", 350);
            c.expect("PWD", 501, "Bad sequence of commands");
            c.expect("CWD d", 501, "Bad sequence of commands");
            c.expect("NOOP", 200, "NOOP command successful");
            c.expect("RNTO d/moved.txt", 250, "Rename successful");
            assertEquals("ren.txt", Files.readString(home().resolve("d/moved.txt")));
            c.expect("PWD", 257, "\"/\" is the current directory");

            // AllowOverwrite is off by default
            c.expect("RNFR ren2.txt", 350);
            c.expect("RNTO f.txt", 550, "f.txt: Rename permission denied");
            assertEquals("hello\n", Files.readString(home().resolve("f.txt")));
            c.expect("RNTO f.txt", 503, "Bad sequence of commands");

            c.expect("RNFR d/sub-to-move", 550, "d/sub-to-move: No such file or directory");
            c.expect("RNFR ren dir", 350);
            c.expect("RNTO spaced dir", 250, "Rename successful");
            assertTrue(Files.isDirectory(home().resolve("spaced dir")));
        }
    }

    // ---------------------------------------------------------------- SIZE, MDTM, MFMT

    @Test
    public void sizeMdtmAndMfmt() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("SIZE f.txt", 550, "SIZE not allowed in ASCII mode");
            c.expect("TYPE I", 200);
            c.expect("SIZE f.txt", 213, "6");
            c.expect("SIZE d", 550, "d: not a regular file");
            c.expect("SIZE missing", 550, "missing: No such file or directory");
            c.expect("SIZE", 501, "Invalid number of parameters");

            c.expect("MDTM f.txt", 213, "20200102030405");
            c.expect("MDTM d", 550, "d: not a plain file");
            c.expect("MDTM missing", 550, "missing: No such file or directory");

            c.expect("MFMT 20210304050607 mf.txt", 213, "Modify=20210304050607; mf.txt");
            assertEquals(Instant.parse("2021-03-04T05:06:07Z"),
                    Files.getLastModifiedTime(home().resolve("mf.txt")).toInstant());
            c.expect("MDTM mf.txt", 213, "20210304050607");
            c.expect("MFMT 19991231235958.250 mf.txt", 213, "Modify=19991231235958; mf.txt");
            assertEquals(Instant.parse("1999-12-31T23:59:58Z"),
                    Files.getLastModifiedTime(home().resolve("mf.txt")).toInstant());
            c.expect("MFMT 2021 mf.txt", 501, "2021: Invalid argument");
            c.expect("MFMT 20211304050607 mf.txt", 501, "mf.txt: Invalid argument");
            c.expect("MFMT 20210304050607 missing", 550, "missing: No such file or directory");
            c.expect("MFMT 20210304050607", 501, "Invalid number of parameters");
        }
    }

    // ---------------------------------------------------------------- FEAT, HELP, STAT

    private static final String[] FEAT = {
        "211-Features:",
        " CLNT",
        " CSID",
        " EPRT",
        " EPSV",
        " HOST",
        " MDTM",
        " MFF modify;UNIX.group;UNIX.mode;",
        " MFMT",
        " MLST modify*;perm*;size*;type*;unique*;UNIX.group*;UNIX.groupname*;UNIX.mode*;UNIX.owner*;UNIX.ownername*;",
        " REST STREAM",
        " SIZE",
        " TVFS",
        "211 End"};

    @Test
    public void featListsTheFeaturesSorted() throws Exception {
        try (ProtoControl c = ProtoControl.connect(port())) {
            // RANG is not implemented (README), so "RANG STREAM" is rightly absent
            assertLines(c.command("FEAT"), FEAT);
            c.expect("FEAT x", 501, "Invalid number of parameters");
            c.login("alice", Provision.ALICE_PASSWORD);
            assertLines(c.command("FEAT"), FEAT);
            c.expect("OPTS MLST type;size;", 200, "MLST OPTS type;size;");
            Reply feat = c.command("FEAT");
            assertTrue(feat.raw(), feat.lines().contains(
                    " MLST modify;perm;size*;type*;unique;UNIX.group;UNIX.groupname;UNIX.mode;UNIX.owner;UNIX.ownername;"));
        }
    }

    @Test
    public void helpLayoutAndSyntax() throws Exception {
        try (ProtoControl c = ProtoControl.connect(port())) {
            assertLines(c.command("HELP"),
                    "214-The following commands are recognized (* =>'s unimplemented):",
                    " CWD     XCWD    CDUP    XCUP    SMNT*   QUIT    PORT    PASV    ",
                    " EPRT    EPSV    ALLO    RNFR    RNTO    DELE    MDTM    RMD     ",
                    " XRMD    MKD     XMKD    PWD     XPWD    SIZE    SYST    HELP    ",
                    " NOOP    FEAT    OPTS    HOST    CLNT    AUTH*   CCC*    CONF*   ",
                    " ENC*    MIC*    PBSZ*   PROT*   TYPE    STRU    MODE    RETR    ",
                    " STOR    STOU    APPE    REST    ABOR    RANG*   USER    PASS    ",
                    " ACCT*   REIN*   LIST    NLST    STAT    SITE    MLSD    MLST    ",
                    "214 Direct comments to root@127.0.0.1");
            c.expect("HELP CWD", 214, "Syntax: CWD <sp> pathname");
            c.expect("HELP cwd", 214, "Syntax: CWD <sp> pathname");
            c.expect("HELP CDUP", 214, "Syntax: CDUP (up one directory)");
            c.expect("HELP PORT", 214, "Syntax: PORT <sp> h1,h2,h3,h4,p1,p2");
            c.expect("HELP TYPE", 214, "Syntax: TYPE <sp> type-code (A, I, L 7, L 8)");
            c.expect("HELP STOU", 214, "Syntax: STOU (store unique filename)");
            c.expect("HELP RETR", 214, "Syntax: RETR <sp> pathname");
            c.expect("HELP MLST", 214, "Syntax: MLST [<sp> pathname]");
            c.expect("HELP FOO", 502, "Unknown command 'FOO'");
        }
    }

    @Test
    public void statWithoutArgumentWithADirectoryAndWithAFile() throws Exception {
        try (ProtoControl c = alice()) {
            assertLines(c.command("STAT"),
                    "211-Status of 'modftpd test'",
                    " Connected from 127.0.0.1 (127.0.0.1)",
                    " Logged in as alice",
                    " TYPE: ASCII, STRUcture: File, Mode: Stream",
                    " No data connection",
                    "211 End of status");
            c.expect("TYPE I", 200);
            c.retrieve(Mode.PASV, "RETR f.txt");
            assertLines(c.command("STAT"),
                    "211-Status of 'modftpd test'",
                    " Connected from 127.0.0.1 (127.0.0.1)",
                    " Logged in as alice",
                    " TYPE: BINARY, STRUcture: File, Mode: Stream",
                    " Total bytes transferred for session: 6",
                    " No data connection",
                    "211 End of status");

            Reply dir = c.command("STAT statdir");
            List<String> lines = dir.lines();
            assertEquals("212-Status of statdir:", lines.get(0));
            assertEquals("212 End of status", lines.get(lines.size() - 1));
            assertEquals(dir.raw(), 5, lines.size());
            assertTrue(dir.raw(), lines.get(1).matches(" drwx[-rwx]{6} +\\d+ \\S+ +\\S+ +\\d+ .{12} \\."));
            assertTrue(dir.raw(), lines.get(2).matches(" drwx[-rwx]{6} +\\d+ \\S+ +\\S+ +\\d+ .{12} \\.\\."));
            assertTrue(dir.raw(), lines.get(3).matches(" -rw-r--r-- +1 \\S+ +\\S+ +6 .{12} inner\\.txt"));

            Reply file = c.command("STAT f.txt");
            assertEquals(file.raw(), 3, file.lines().size());
            assertEquals("213-Status of f.txt:", file.lines().get(0));
            assertTrue(file.raw(), file.lines().get(1).matches(" -rw-r--r--   1 \\S+ +\\S+ +       6 Jan  2  2020 f\\.txt"));
            assertEquals("213 End of status", file.lines().get(2));

            c.expect("STAT missing", 450, "missing: No such file or directory");
        }
        try (ProtoControl c = ProtoControl.connect(port())) {
            c.expect("STAT", 530, "Please login with USER and PASS");
        }
    }

    // ---------------------------------------------------------------- SITE

    @Test
    public void siteHelpChmodAndUnknownSubcommands() throws Exception {
        try (ProtoControl c = alice()) {
            assertLines(c.command("SITE HELP"),
                    "214-The following SITE commands are recognized (* =>'s unimplemented)",
                    " HELP",
                    " CHMOD",
                    "214 Direct comments to root@127.0.0.1");
            assertLines(c.command("SITE HELP CHMOD"),
                    "214-The following SITE commands are recognized (* =>'s unimplemented)",
                    " Syntax: SITE CHMOD <sp> mode <sp> pathname",
                    "214 Direct comments to root@127.0.0.1");
            c.expect("SITE HELP FOO", 502, "Unknown command 'SITE HELP FOO'");

            c.expect("SITE CHMOD 600 chm.txt", 200, "SITE CHMOD command successful");
            assertEquals("600", ProtoFiles.mode(home().resolve("chm.txt")));
            c.expect("site chmod 751 d", 200, "SITE CHMOD command successful");
            assertEquals("751", ProtoFiles.mode(home().resolve("d")));
            c.expect("SITE CHMOD 644 missing", 550, "missing: No such file or directory");
            c.expect("SITE CHMOD 9z chm.txt", 550, "'9z': invalid mode");
            assertEquals("600", ProtoFiles.mode(home().resolve("chm.txt")));

            c.expect("SITE CHMOD", 500, "'SITE CHMOD' not understood");
            Reply oneArg = c.command("SITE CHMOD 644");
            assertEquals(oneArg.raw(), 500, oneArg.code());
            assertEquals("500 'SITE CHMOD 644' not understood", oneArg.lines().get(0).replace("500-", "500 "));
            c.expect("SITE FOO", 500, "'SITE FOO' not understood");
            c.expect("SITE foo bar baz", 500, "'SITE FOO' not understood");
            c.expect("SITE", 500, "'SITE' requires parameters");
        }
    }

    // ---------------------------------------------------------------- transfer parameters

    @Test
    public void typeModeStruAlloAndRest() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("TYPE A", 200, "Type set to A");
            c.expect("TYPE a", 200, "Type set to a");
            c.expect("TYPE A N", 200, "Type set to A");
            c.expect("TYPE I", 200, "Type set to I");
            c.expect("TYPE L 8", 200, "Type set to L");
            c.expect("TYPE L 7", 200, "Type set to L");
            c.expect("TYPE E", 504, "TYPE not implemented for 'E' parameter");
            c.expect("TYPE L 16", 504, "TYPE not implemented for 'L' parameter");
            c.expect("TYPE", 500, "'TYPE' not understood");
            c.expect("TYPE A N X", 500, "'TYPE A N X' not understood");

            c.expect("MODE S", 200, "Mode set to S");
            c.expect("MODE s", 200, "Mode set to S");
            c.expect("MODE B", 504, "'MODE B' unsupported transfer mode");
            c.expect("MODE C", 504, "'MODE C' unsupported transfer mode");
            c.expect("MODE Z", 501, "'MODE Z' unrecognized transfer mode");
            c.expect("MODE", 501, "'MODE' not understood");

            c.expect("STRU F", 200, "Structure set to F");
            c.expect("STRU R", 504, "'STRU R' unsupported structure type");
            c.expect("STRU P", 504, "'STRU P' unsupported structure type");
            c.expect("STRU X", 501, "'STRU X' unrecognized structure type");
            c.expect("STRU", 501, "'STRU' not understood");

            c.expect("ALLO 1000", 202, "No storage allocation necessary");
            c.expect("ALLO 1000 R 10", 202, "No storage allocation necessary");
            c.expect("ALLO abc", 504, "abc: Invalid ALLO argument");
            c.expect("ALLO", 504, "'ALLO' not understood");
            c.expect("SMNT x", 502, "SMNT command not implemented");

            c.expect("TYPE I", 200);
            c.expect("REST 0", 350, "Restarting at 0. Send STORE or RETRIEVE to initiate transfer");
            c.expect("REST +7", 350, "Restarting at 7. Send STORE or RETRIEVE to initiate transfer");
            c.expect("REST 5x", 501, "REST requires a value greater than or equal to 0");
            c.expect("REST 1 2", 500, "'REST 1 2' not understood");
            c.expect("TYPE A", 200);
            c.expect("REST 0", 350);
            c.expect("REST 1", 501, "REST: Resuming transfers not allowed in ASCII mode");
        }
    }

    // ---------------------------------------------------------------- OPTS, HOST, CLNT and the rest

    @Test
    public void optsMlstAndUnknownOptions() throws Exception {
        try (ProtoControl c = alice()) {
            c.expect("OPTS MLST type;size;", 200, "MLST OPTS type;size;");
            assertLines(c.command("MLST f.txt"), "250-Start of list for f.txt", " size=6;type=file; /f.txt",
                    "250 End of list");
            c.expect("OPTS MLST Type;SIZE;bogus;modify", 200, "MLST OPTS type;size;");
            c.expect("OPTS MLST", 200, "MLST OPTS");
            c.expect("OPTS MLST a b", 501, "'OPTS MLST' not understood");
            c.expect("OPTS FOO", 500, "OPTS FOO not understood");
            c.expect("OPTS foo bar", 500, "OPTS FOO not understood");
            c.expect("OPTS UTF8 ON", 500, "OPTS UTF8 not understood");
            c.expect("OPTS", 501, "Invalid number of parameters");
        }
    }

    @Test
    public void hostBeforeLogin() throws Exception {
        try (ProtoControl c = ProtoControl.connect(port())) {
            c.expect("HOST 127.0.0.1", 220, "HOST command successful");
            c.expect("HOST 127.0.0.2", 504, "127.0.0.2: Unknown hostname provided");
            c.expect("HOST unknown.example", 504, "unknown.example: Unknown hostname provided");
            c.expect("HOST ::1", 501, "::1: Invalid IPv6 address provided");
            c.expect("HOST [::1", 501, "[::1: Invalid IPv6 address provided");
            c.expect("HOST [::1]", 504, "[::1]: Unknown hostname provided");
            c.expect("HOST", 500, "'HOST' not understood");
            c.expect("HOST a b", 500, "'HOST' not understood");
            c.login("alice", Provision.ALICE_PASSWORD);
            c.expect("HOST 127.0.0.1", 503, "Bad sequence of commands");
        }
    }

    @Test
    public void sessionCommandsAndUnknownVerbs() throws Exception {
        try (ProtoControl c = ProtoControl.connect(port())) {
            c.expect("CLNT", 200, "OK");
            c.expect("CLNT curl/8.0 (x86_64)", 200, "OK");
            c.expect("NOOP", 200, "NOOP command successful");
            c.expect("noop extra words", 200, "NOOP command successful");
            c.expect("SYST", 215, "UNIX Type: L8");
            c.expect("ACCT x", 502, "ACCT command not implemented");
            c.expect("REIN", 502, "REIN command not implemented");
            c.expect("FOO", 500, "FOO not understood");
            c.expect("foo bar", 500, "FOO not understood");
            c.expect("FOO_BAR", 500, "FOO BAR not understood");
            c.expect("", 500, "Invalid command: try being more creative");
            c.expect(" NOOP", 500, "Invalid command: try being more creative");
            c.expect("CSID", 530, "Please login with USER and PASS");
            c.expect("ABOR", 530, "Please login with USER and PASS");
            c.login("alice", Provision.ALICE_PASSWORD);
            Reply csid = c.command("CSID");
            assertEquals(200, csid.code());
            assertTrue(csid.text(), csid.text().matches("name=modftpd;version=[^;]+;casesensitive=1;"));
            c.expect("ACCT x", 502, "ACCT command not implemented");
            c.expect("ABOR", 226, "Abort successful");
            c.expect("ABOR x", 500, "'ABOR x' not understood");
            c.expect("QUIT", 221, "Goodbye.");
            assertArrayEquals(new byte[0], c.awaitClose());
        }
    }
}

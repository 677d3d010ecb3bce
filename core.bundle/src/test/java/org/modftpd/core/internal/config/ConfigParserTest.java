package org.modftpd.core.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTest {

    private static final UnaryOperator<String> NO_ENV = name -> null;

    @TempDir
    Path dir;

    private static List<Node> parse(String text) throws ConfigException {
        return parse(text, Map.of(), NO_ENV);
    }

    private static List<Node> parse(String text, Map<String, String> defines, UnaryOperator<String> env)
            throws ConfigException {
        return ConfigParser.parseText(text, "test.conf", Path.of("/nonexistent"), defines, env).children();
    }

    private static List<String> problems(String text) {
        return assertThrows(ConfigException.class, () -> parse(text)).problems();
    }

    private static Node.Directive directive(Node node) {
        return assertInstanceOf(Node.Directive.class, node);
    }

    private static Node.Section section(Node node) {
        return assertInstanceOf(Node.Section.class, node);
    }

    /** "Name arg arg @line" for each node, sections with their children indented in brackets. */
    private static List<String> describe(List<Node> nodes) {
        List<String> out = new ArrayList<>();
        for (Node n : nodes) {
            String head = n.name() + (n.args().isEmpty() ? "" : " " + String.join("|", n.args())) + " @"
                    + n.location().line();
            if (n instanceof Node.Section s) {
                out.add("<" + head + "> " + describe(s.children()));
            } else {
                out.add(head);
            }
        }
        return out;
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private List<Node> parseFile(Path file) throws ConfigException {
        return ConfigParser.parseFile(file, Map.of(), NO_ENV).children();
    }

    // ------------------------------------------------------------------ quoting

    @Test
    void doubleQuotesGroupWordsAndKeepInnerSpacing() throws ConfigException {
        Node.Directive d = directive(parse("ServerName \"My  FTP Server\"\n").get(0));
        assertEquals("ServerName", d.name());
        assertEquals(List.of("My  FTP Server"), d.args());
    }

    @Test
    void escapedQuoteInsideQuotesIsALiteralQuote() throws ConfigException {
        Node.Directive d = directive(parse("ServerIdent on \"say \\\"hi\\\" now\"\n").get(0));
        assertEquals(List.of("on", "say \"hi\" now"), d.args());
    }

    @Test
    void backslashIsKeptOutsideAndInsideQuotes() throws ConfigException {
        List<Node> nodes = parse("PathDenyFilter ^\\.\nPathDenyFilter \"^\\.ht\"\nPathDenyFilter a\\\\b\n");
        assertEquals(List.of("^\\."), directive(nodes.get(0)).args());
        assertEquals(List.of("^\\.ht"), directive(nodes.get(1)).args());
        assertEquals(List.of("a\\\\b"), directive(nodes.get(2)).args());
    }

    @Test
    void emptyQuotedArgumentIsAnArgument() throws ConfigException {
        List<Node> nodes = parse("AccessGrantMsg \"\"\nFoo \"\" bar \"\"\n");
        assertEquals(List.of(""), directive(nodes.get(0)).args());
        assertEquals(List.of("", "bar", ""), directive(nodes.get(1)).args());
    }

    @Test
    void quotesInTheMiddleOfAWordJoinIt() throws ConfigException {
        assertEquals(List.of("ab cd", "e"), directive(parse("Foo a\"b c\"d e\n").get(0)).args());
    }

    @Test
    void unterminatedQuoteIsReportedWithItsLine() {
        assertEquals(List.of("test.conf:2: unterminated quote"), problems("Port 21\nServerName \"abc\n"));
    }

    // ------------------------------------------------------------------ lines

    @Test
    void continuationLinesJoinAndKeepTheFirstLineNumber() throws ConfigException {
        List<Node> nodes = parse("Port 21\nServerName one \\\n    two \\\n  three\nUmask 022\n");
        assertEquals(List.of("Port 21 @1", "ServerName one|two|three @2", "Umask 022 @5"), describe(nodes));
    }

    @Test
    void commentsOnlyAtLineStartAndBlankLinesAreSkipped() throws ConfigException {
        List<Node> nodes = parse("# leading comment\n   # indented comment\n\nServerName foo # not a comment\n"
                + "\t\n\nPort 2121\n");
        assertEquals(List.of("ServerName foo|#|not|a|comment @4", "Port 2121 @7"), describe(nodes));
    }

    @Test
    void crlfLineEndingsAreHandled() throws ConfigException {
        List<Node> nodes = parse("ServerName a\r\n\r\nPort 21\r\n");
        assertEquals(List.of("ServerName a @1", "Port 21 @3"), describe(nodes));
    }

    // ------------------------------------------------------------------ %{env:} and Define

    @Test
    void environmentVariablesAreSubstitutedAndUnsetOnesAreEmpty() throws ConfigException {
        UnaryOperator<String> env = name -> name.equals("FTPROOT") ? "/srv" : null;
        List<Node> nodes = parse("DefaultRoot %{env:FTPROOT}/pub\nServerName x%{env:NOPE}y\n", Map.of(), env);
        assertEquals(List.of("/srv/pub"), directive(nodes.get(0)).args());
        assertEquals(List.of("xy"), directive(nodes.get(1)).args());
    }

    @Test
    void environmentValueIsOneWordEvenWithSpacesOrQuotes() throws ConfigException {
        // ProFTPD substitutes %{env:} in each word after the line is split (parser.c get_config_word),
        // so a value can neither split an argument nor open a quote
        UnaryOperator<String> env = name -> switch (name) {
            case "NAME" -> "My Server";
            case "QUOTE" -> "a\"b";
            default -> null;
        };
        List<Node> nodes = parse("ServerName %{env:NAME}\nServerIdent on %{env:QUOTE}\nServerName %{env:UNSET}\n",
                Map.of(), env);
        assertEquals(List.of("My Server"), directive(nodes.get(0)).args());
        assertEquals(List.of("on", "a\"b"), directive(nodes.get(1)).args());
        assertEquals(List.of(""), directive(nodes.get(2)).args());
    }

    @Test
    void unterminatedEnvironmentReferenceIsReported() {
        assertEquals(List.of("test.conf:1: unterminated %{env:...}"), problems("ServerName %{env:X\n"));
    }

    @Test
    void defineWithAndWithoutValueIsSubstituted() throws ConfigException {
        List<Node> nodes = parse("Define ROOT /srv/ftp\nDefine FLAG\nDefaultRoot ${ROOT}/pub\n"
                + "ServerName a${FLAG}b\nServerName ${UNDEFINED}\n");
        assertEquals(List.of("DefaultRoot /srv/ftp/pub @3", "ServerName ab @4", "ServerName ${UNDEFINED} @5"),
                describe(nodes));
    }

    @Test
    void defineNeedsANameAndAtMostOneValue() {
        assertEquals(List.of("test.conf:1: Define takes a name and an optional value",
                "test.conf:2: Define takes a name and an optional value"), problems("Define\nDefine A b c\n"));
    }

    @Test
    void ifDefineSelectsRegionsAndNests() throws ConfigException {
        String text = """
                Define A
                <IfDefine A>
                ServerName a
                <IfDefine !B>
                Port 1
                </IfDefine>
                <IfDefine B>
                Port 2
                </IfDefine>
                </IfDefine>
                <IfDefine !A>
                ServerName nota
                </IfDefine>
                <IfDefine CLI>
                Umask 077
                </IfDefine>
                """;
        assertEquals(List.of("ServerName a @3", "Port 1 @5", "Umask 077 @15"),
                describe(parse(text, Map.of("CLI", ""), NO_ENV)));
    }

    @Test
    void negatedIfDefineInsideAnInactiveRegionStaysInactive() throws ConfigException {
        assertEquals(List.of(), describe(parse("<IfDefine NOPE>\n<IfDefine !NOPE>\nPort 1\n</IfDefine>\n"
                + "</IfDefine>\n")));
    }

    @Test
    void inactiveRegionIsNotInterpretedButMustBeBalanced() throws ConfigException {
        assertEquals(List.of(), describe(parse("<IfDefine NOPE>\nBogus \"unterminated %{env:X\n"
                + "Define X\nInclude /no/such/file\n</IfDefine>\n<IfDefine X>\nPort 1\n</IfDefine>\n")));
        assertEquals(List.of("test.conf:3: </IfDefine> closes <Directory> opened at test.conf:2",
                "test.conf:2: <Directory> is never closed", "test.conf:1: <IfDefine> is never closed"),
                problems("<IfDefine NOPE>\n<Directory /x>\n</IfDefine>\n"));
    }

    @Test
    void ifDefineTakesExactlyOneName() {
        assertEquals(List.of("test.conf:1: <IfDefine> takes one name"), problems("<IfDefine A B>\n</IfDefine>\n"));
    }

    // ------------------------------------------------------------------ sections

    @Test
    void sectionsNestWithTheirArgumentsAndLines() throws ConfigException {
        List<Node> nodes = parse("<Directory /srv>\n  Umask 022\n  <Limit READ WRITE>\n    DenyAll\n"
                + "  </Limit>\n</directory>\n");
        assertEquals(List.of("<Directory /srv @1> [Umask 022 @2, <Limit READ|WRITE @3> [DenyAll @4]]"),
                describe(nodes));
        assertEquals("test.conf:1", section(nodes.get(0)).location().toString());
    }

    @Test
    void closingTagWithoutOpeningTag() {
        assertEquals(List.of("test.conf:2: </Directory> without a matching <Directory>"),
                problems("Port 21\n</Directory>\n"));
    }

    @Test
    void mismatchedClosingTagNamesBothPlaces() {
        assertEquals(List.of("test.conf:3: </Directory> closes <Limit> opened at test.conf:2",
                "test.conf:1: <Directory> is never closed"),
                problems("<Directory /a>\n<Limit READ>\n</Directory>\n</Limit>\n"));
    }

    @Test
    void unclosedSectionIsReportedAtItsOpeningLine() {
        assertEquals(List.of("test.conf:2: <VirtualHost> is never closed"),
                problems("Port 21\n<VirtualHost 10.0.0.1>\nPort 2121\n"));
    }

    @Test
    void malformedTags() {
        assertEquals(List.of("test.conf:1: section tag '<Directory /a' is missing its closing '>'",
                "test.conf:2: malformed closing tag '</Directory'", "test.conf:3: empty section tag"),
                problems("<Directory /a\n</Directory\n<>\n"));
    }

    // ------------------------------------------------------------------ Include

    @Test
    void includeOfASingleFileIsInlinedWithItsOwnLocations() throws IOException, ConfigException {
        Path extra = write("extra.conf", "\nServerName x\n");
        Path main = write("main.conf", "Port 21\nInclude extra.conf\nUmask 022\n");
        List<Node> nodes = parseFile(main);
        assertEquals(List.of("Port 21 @1", "ServerName x @2", "Umask 022 @3"), describe(nodes));
        assertEquals(extra.toString(), nodes.get(1).location().file());
        assertEquals(main.toString(), nodes.get(0).location().file());
    }

    @Test
    void includeInsideASectionAddsToThatSection() throws IOException, ConfigException {
        write("inner.conf", "Umask 077\n");
        Path main = write("main.conf", "<Directory /a>\nInclude inner.conf\n</Directory>\n");
        assertEquals(List.of("<Directory /a @1> [Umask 077 @1]"), describe(parseFile(main)));
    }

    @Test
    void includeOfADirectoryReadsItsFilesSortedSkippingBackupsAndHiddenFiles() throws IOException, ConfigException {
        write("conf.d/b.conf", "Port 2\n");
        write("conf.d/a.conf", "Port 1\n");
        write("conf.d/z.txt", "Port 3\n");
        write("conf.d/.hidden.conf", "Port 90\n");
        write("conf.d/c.conf~", "Port 91\n");
        write("conf.d/d.conf.bak", "Port 92\n");
        write("conf.d/e.swp", "Port 93\n");
        write("conf.d/f.conf.dpkg-old", "Port 94\n");
        write("conf.d/sub/g.conf", "Port 95\n");
        Path main = write("main.conf", "Include conf.d\n");
        assertEquals(List.of("Port 1 @1", "Port 2 @1", "Port 3 @1"), describe(parseFile(main)));
    }

    @Test
    void includeWithAGlobInTheFileNameAndInADirectoryName() throws IOException, ConfigException {
        write("conf.d/b.conf", "Port 2\n");
        write("conf.d/a.conf", "Port 1\n");
        write("conf.d/z.txt", "Port 3\n");
        write("sites/two/ftp.conf", "ServerName two\n");
        write("sites/one/ftp.conf", "ServerName one\n");
        write("sites/three/other.conf", "ServerName three\n");
        Path main = write("main.conf", "Include conf.d/*.conf\nInclude " + dir + "/sites/*/ftp.conf\n"
                + "Include nomatch/*.conf\n");
        assertEquals(List.of("Port 1 @1", "Port 2 @1", "ServerName one @1", "ServerName two @1"),
                describe(parseFile(main)));
    }

    @Test
    void relativeIncludesResolveAgainstTheIncludingFile() throws IOException, ConfigException {
        write("sub/leaf.conf", "Port 7\n");
        write("sub/inner.conf", "Include leaf.conf\n");
        write("leaf.conf", "Port 1\n");
        Path main = write("main.conf", "Include sub/inner.conf\n");
        List<Node> nodes = parseFile(main);
        assertEquals(List.of("Port 7 @1"), describe(nodes));
        assertEquals(dir.resolve("sub/leaf.conf").toString(), nodes.get(0).location().file());
    }

    @Test
    void missingIncludeIsReportedAtTheIncludeLine() throws IOException {
        Path main = write("main.conf", "Port 21\nInclude nope.conf\n");
        ConfigException e = assertThrows(ConfigException.class, () -> parseFile(main));
        assertEquals(List.of(main + ":2: Include nope.conf: No such file or directory"), e.problems());
    }

    @Test
    void includeTakesOnePath() {
        assertEquals(List.of("test.conf:1: Include takes one path"), problems("Include a b\n"));
    }

    @Test
    void includeLoopIsReportedWhereItCloses() throws IOException {
        Path a = write("a.conf", "Include b.conf\n");
        Path b = write("b.conf", "Port 1\nInclude a.conf\n");
        ConfigException e = assertThrows(ConfigException.class, () -> parseFile(a));
        assertEquals(List.of(b + ":2: Include loop: " + a + " is already being read"), e.problems());
    }

    @Test
    void globThatIncludesItsOwnDirectoryIsReportedOncePerLoop() throws IOException {
        // each file including every file used to take 2^17 reads and report 131072 problems
        Path a = write("a.conf", "Include *.conf\n");
        Path b = write("b.conf", "Include *.conf\n");
        ConfigException e = assertThrows(ConfigException.class, () -> parseFile(a));
        assertEquals(List.of(a + ":1: Include loop: " + a + " is already being read",
                b + ":1: Include loop: " + a + " is already being read",
                b + ":1: Include loop: " + b + " is already being read"), e.problems());
    }

    @Test
    void theSameFileMayBeIncludedTwiceOneAfterTheOther() throws IOException, ConfigException {
        write("common.conf", "Umask 022\n");
        Path main = write("main.conf", "Include common.conf\nInclude common.conf\n");
        assertEquals(List.of("Umask 022 @1", "Umask 022 @1"), describe(parseFile(main)));
    }

    @Test
    void includesNestedTooDeepAreRefused() throws IOException {
        for (int i = 0; i < 17; i++) {
            write("f" + i + ".conf", "Include f" + (i + 1) + ".conf\n");
        }
        write("f17.conf", "Port 17\n");
        ConfigException e = assertThrows(ConfigException.class, () -> parseFile(dir.resolve("f0.conf")));
        assertEquals(List.of(dir.resolve("f16.conf") + ":1: Include nested more than 16 deep (a loop?)"),
                e.problems());
    }

    @Test
    void mainFileMissing() {
        Path missing = dir.resolve("missing.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> parseFile(missing));
        assertEquals(List.of(missing + ": cannot read " + missing + ": No such file or directory"), e.problems());
    }

    @Test
    void fileThatIsNotUtf8IsRefused() throws IOException {
        Path bad = dir.resolve("bad.conf");
        Files.write(bad, new byte[] {'P', 'o', 'r', 't', ' ', (byte) 0xFF, '\n'});
        ConfigException e = assertThrows(ConfigException.class, () -> parseFile(bad));
        assertEquals(List.of(bad + ": not valid UTF-8"), e.problems());
    }
}

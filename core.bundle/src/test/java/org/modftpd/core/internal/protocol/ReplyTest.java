package org.modftpd.core.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyTest {

    private static List<Reply> of(Object... codeAndText) {
        Reply[] out = new Reply[codeAndText.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Reply((Integer) codeAndText[2 * i], (String) codeAndText[2 * i + 1]);
        }
        return List.of(out);
    }

    @Test
    void singleLine() {
        assertEquals("200 NOOP command successful\r\n", Reply.format(of(200, "NOOP command successful"), false));
    }

    @Test
    void sameCodeFoldsIntoOneMultiLineReply() {
        assertEquals("211-Features:\r\n CLNT\r\n EPSV\r\n211 End\r\n",
                Reply.format(of(211, "Features:", 211, "CLNT", 211, "EPSV", 211, "End"), false));
        assertEquals("214-a\r\n214 b\r\n", Reply.format(of(214, "a", 214, "b"), false));
    }

    @Test
    void rfc2228ModeRepeatsTheCodeOnMiddleLines() {
        assertEquals("211-Features:\r\n211-CLNT\r\n211-EPSV\r\n211 End\r\n",
                Reply.format(of(211, "Features:", 211, "CLNT", 211, "EPSV", 211, "End"), true));
    }

    @Test
    void mixedCodesEachFoldSeparately() {
        assertEquals("230-Welcome\r\n230 User alice logged in\r\n250 CWD command successful\r\n",
                Reply.format(of(230, "Welcome", 230, "User alice logged in", 250, "CWD command successful"), false));
        assertEquals("150 Opening\r\n226 Transfer complete\r\n",
                Reply.format(of(150, "Opening", 226, "Transfer complete"), false));
        assertEquals("211 a\r\n212 b\r\n211 c\r\n", Reply.format(of(211, "a", 212, "b", 211, "c"), false));
        assertEquals("550-a\r\n550 b\r\n530-c\r\n530 d\r\n",
                Reply.format(of(550, "a", 550, "b", 530, "c", 530, "d"), false));
    }

    @Test
    void noRepliesFormatToNothing() {
        assertEquals("", Reply.format(List.of(), false));
    }

    @Test
    void crLfAndNulInsideALineAreReplacedSoNoReplyCanBeForged() {
        assertEquals("550 a  421 evil x\r\n", Reply.format(of(550, "a\r\n421 evil\0x"), false));
        assertEquals("211-a b\r\n c d\r\n211 e\r\n", Reply.format(of(211, "a\rb", 211, "c\nd", 211, "e"), false));
    }

    @Test
    void linesSplitsTextOnAnyLineBreak() {
        assertEquals(of(211, "a", 211, "b", 211, "c", 211, "d"), Reply.lines(211, "a\nb\r\nc\rd"));
        assertEquals(of(200, "a"), Reply.lines(200, "a\n"));
        assertEquals(of(200, ""), Reply.lines(200, ""));
        assertEquals(of(200, "a", 200, "", 200, "b"), Reply.lines(200, "a\n\nb"));
    }

    @Test
    void writerSendsUtf8BytesAndRemembersTheLastCode() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReplyWriter w = new ReplyWriter(out);
        w.send(List.of());
        assertEquals(0, out.size());
        assertEquals(0, w.lastCode());
        w.send(257, "\"/caf\u00e9\" is the current directory");
        assertArrayEquals("257 \"/caf\u00e9\" is the current directory\r\n".getBytes(StandardCharsets.UTF_8),
                out.toByteArray());
        assertEquals(257, w.lastCode());
        out.reset();
        w.rfc2228(true);
        w.send(of(211, "a", 211, "b", 211, "c"));
        assertEquals("211-a\r\n211-b\r\n211 c\r\n", out.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        w.reset(other);
        w.send(221, "Goodbye.\nSee you");
        assertEquals("221-Goodbye.\r\n221 See you\r\n", other.toString(StandardCharsets.UTF_8));
    }
}

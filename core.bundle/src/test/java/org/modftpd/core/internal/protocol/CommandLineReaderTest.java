package org.modftpd.core.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineReaderTest {

    private static final int IAC = 0xFF;
    private static final int DONT = 0xFE;
    private static final int DO = 0xFD;
    private static final int WONT = 0xFC;
    private static final int WILL = 0xFB;
    private static final int SB = 0xFA;
    private static final int SE = 0xF0;
    private static final int IP = 0xF4;
    private static final int DM = 0xF2;

    /** Hands out one byte per read call, to cross every buffer boundary. */
    private static final class Trickle extends InputStream {
        private final ByteArrayInputStream in;

        Trickle(byte[] bytes) {
            this.in = new ByteArrayInputStream(bytes);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return len == 0 ? 0 : in.read(b, off, 1);
        }
    }

    /** Builds bytes from strings (UTF-8) and ints (single bytes). */
    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else if (p instanceof Character c) {
                out.write(c);
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    private static CommandLineReader reader(boolean trickle, int max, Object... parts) {
        byte[] b = bytes(parts);
        return new CommandLineReader(trickle ? new Trickle(b) : new ByteArrayInputStream(b), max);
    }

    /** Every line until end of stream: the text, or "<too long>". */
    private static List<String> lines(CommandLineReader r) throws IOException {
        List<String> out = new ArrayList<>();
        CommandLineReader.Line line;
        while ((line = r.read()) != null) {
            out.add(line.tooLong() ? "<too long>" : line.text());
        }
        return out;
    }

    private static List<String> limited(boolean trickle, int max, Object... parts) throws IOException {
        return lines(reader(trickle, max, parts));
    }

    private static List<String> lines(boolean trickle, Object... parts) throws IOException {
        return limited(trickle, 4100, parts);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void crlfAndBareLfEndLines(boolean trickle) throws IOException {
        assertEquals(List.of("USER alice", "PASS secret", "NOOP", "", "SYST"),
                lines(trickle, "USER alice\r\nPASS secret\r\nNOOP\n\r\nSYST\n"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void onlyTheCrBeforeTheLfIsDropped(boolean trickle) throws IOException {
        assertEquals(List.of("A\rB", "C\r"), lines(trickle, "A\rB\r\nC\r\r\n"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void iacIacIsALiteral0xFfByte(boolean trickle) throws IOException {
        // 0xFF on its own is not UTF-8, so it reaches the command as U+FFFD
        assertEquals(List.of("X\uFFFDY"), lines(trickle, "X", IAC, IAC, "Y\r\n"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void optionNegotiationIsRemoved(boolean trickle) throws IOException {
        assertEquals(List.of("NOOP", "SYST"), lines(trickle, "N", IAC, WILL, 1, "O", IAC, WONT, 3, "OP\r\n",
                IAC, DO, 24, "SY", IAC, DONT, 31, "ST\r\n"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void optionNegotiationsAreHandedOnInOrder(boolean trickle) throws IOException {
        byte[] b = bytes("N", IAC, WILL, 1, "O", IAC, WONT, 3, "OP\r\n", IAC, DO, 24, "SY", IAC, DONT, 31, "ST\r\n",
                IAC, IAC, IAC, SB, 24, 0, IAC, SE, "\n");
        List<String> seen = new ArrayList<>();
        CommandLineReader r = new CommandLineReader(trickle ? new Trickle(b) : new ByteArrayInputStream(b), 4100,
                (verb, option) -> seen.add(Integer.toHexString(verb) + " " + option));
        assertEquals(List.of("NOOP", "SYST", "\uFFFD"), lines(r));
        assertEquals(List.of("fb 1", "fc 3", "fd 24", "fe 31"), seen);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void interruptAndDataMarkBeforeAborAreRemoved(boolean trickle) throws IOException {
        assertEquals(List.of("ABOR"), lines(trickle, IAC, IP, IAC, DM, "ABOR\r\n"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void subnegotiationIsRemovedIncludingEscapedIac(boolean trickle) throws IOException {
        assertEquals(List.of("ABOR"), lines(trickle, "AB", IAC, SB, 24, 0, 'x', IAC, IAC, 'y', IAC, SE, "OR\r\n"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void iacFollowedByAnOrdinaryByteKeepsThatByte(boolean trickle) throws IOException {
        assertEquals(List.of("ABC", "DE"), lines(trickle, "A", IAC, 'B', "C\r\n", "DE", IAC, '\n'));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void nulBytesArePassedOnForTheSessionToCut(boolean trickle) throws IOException {
        assertEquals(List.of("RETR a\0b"), lines(trickle, "RETR a", 0, "b\r\n"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void overLongLineIsConsumedWholeAndTheNextLineIsIntact(boolean trickle) throws IOException {
        String longLine = "STOR " + "x".repeat(1000) + " DELE victim";
        assertEquals(List.of("<too long>", "NOOP", "<too long>", "QUIT"),
                limited(trickle, 10, longLine + "\r\n", "NOOP\r\n", "0123456789A\r\n", "QUIT\r\n"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void lineOfExactlyTheLimitIsAcceptedWithCrlfAndWithLf(boolean trickle) throws IOException {
        assertEquals(List.of("0123456789", "0123456789", "<too long>", "<too long>", "012345678\r", "<too long>"),
                limited(trickle, 10, "0123456789\r\n", "0123456789\n", "0123456789A\r\n", "0123456789A\n",
                        "012345678\r\r\n", "0123456789\r\r\n"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void iacSequencesDoNotCountTowardsTheLimit(boolean trickle) throws IOException {
        assertEquals(List.of("0123456789"), limited(trickle, 10, "01234", IAC, WILL, 1, IAC, IP, "56789\r\n"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void bytesThatAreNotUtf8BecomeReplacementCharacters(boolean trickle) throws IOException {
        assertEquals(List.of("CWD caf\u00e9", "CWD \uFFFD(", "CWD caf\uFFFD", "CWD \u65e5\u672c"),
                lines(trickle, "CWD caf\u00e9\r\n", "CWD ", 0xC3, '(', "\r\n", "CWD caf", 0xE9, "\r\n",
                        "CWD \u65e5\u672c\r\n"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void endOfStreamInsideALineOrASequenceGivesNull(boolean trickle) throws IOException {
        assertEquals(List.of("NOOP"), lines(trickle, "NOOP\r\nPAR"));
        assertEquals(List.of(), lines(trickle, "AB", IAC));
        assertEquals(List.of(), lines(trickle, "AB", IAC, WILL));
        assertEquals(List.of(), lines(trickle, "AB", IAC, SB, 1, 2));
        assertEquals(List.of(), lines(trickle, ""));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void resetSwitchesStreamsAndDropsBufferedBytes(boolean trickle) throws IOException {
        CommandLineReader r = reader(false, 100, "AAA\r\nBBB\r\n");
        assertEquals("AAA", r.read().text());
        assertTrue(r.hasBuffered());
        byte[] next = bytes("CCC\r\n");
        r.reset(trickle ? new Trickle(next) : new ByteArrayInputStream(next));
        assertFalse(r.hasBuffered());
        assertEquals(List.of("CCC"), lines(r));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void newLimitAppliesToTheFollowingLines(boolean trickle) throws IOException {
        CommandLineReader r = reader(trickle, 4, "ABCDEF\r\nABCDEF\r\n");
        assertTrue(r.read().tooLong());
        r.maxLength(6);
        assertEquals("ABCDEF", r.read().text());
        assertNull(r.read());
    }
}

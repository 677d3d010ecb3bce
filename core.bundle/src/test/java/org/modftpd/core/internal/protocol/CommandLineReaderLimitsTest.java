package org.modftpd.core.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CommandLineReaderLimitsTest {

    private static CommandLineReader reader(String input, int max) {
        return new CommandLineReader(new ByteArrayInputStream(input.getBytes(StandardCharsets.ISO_8859_1)), max);
    }

    @Test
    void aLineOfExactlyTheLimitFitsWithCrlfOrLf() throws Exception {
        String text = "x".repeat(10);
        CommandLineReader r = reader(text + "\r\n" + text + "\n" + text + "y\r\n" + text + "y\n", 10);
        CommandLineReader.Line crlf = r.read();
        assertFalse(crlf.tooLong());
        assertEquals(text, crlf.text());
        assertEquals(text, r.read().text());
        assertTrue(r.read().tooLong());
        assertTrue(r.read().tooLong());
        assertNull(r.read());
    }

    @Test
    void aLineEndingInCrWithoutLfIsStillMeasuredWithoutTheCr() throws Exception {
        CommandLineReader r = reader("x".repeat(10) + "\r\r\n", 10);
        assertTrue(r.read().tooLong());
    }
}

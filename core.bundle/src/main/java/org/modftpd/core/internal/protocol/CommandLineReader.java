package org.modftpd.core.internal.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads command lines from the control connection, the one place raw client bytes are turned into
 * text. Telnet commands (IAC ...) are removed, a line ends at LF (a CR before it is dropped), and a
 * line longer than the limit is consumed whole and reported as too long: it is never split into
 * several commands. Bytes that are not UTF-8 become U+FFFD.
 */
public final class CommandLineReader {

    /** One line: its text, or the fact that it was longer than the limit. */
    public record Line(String text, boolean tooLong) {
    }

    private static final int IAC = 0xFF;
    private static final int DONT = 0xFE;
    private static final int SB = 0xFA;
    private static final int SE = 0xF0;
    private static final int WILL = 0xFB;

    private InputStream in;
    private final byte[] readBuffer = new byte[256];
    private int readPos;
    private int readLimit;
    private byte[] line = new byte[64];
    private int length;
    private volatile int maxLength;
    private volatile long bytesRead;

    /** Where Telnet option negotiations ({@code IAC WILL/WONT/DO/DONT x}) are answered. */
    @FunctionalInterface
    public interface TelnetOptions {
        void negotiate(int verb, int option) throws IOException;
    }

    private final TelnetOptions options;

    public CommandLineReader(InputStream in, int maxLength) {
        this(in, maxLength, (verb, option) -> { });
    }

    public CommandLineReader(InputStream in, int maxLength, TelnetOptions options) {
        this.in = in;
        this.maxLength = maxLength;
        this.options = options;
    }

    /** Applies a new CommandBufferSize to the lines still to come. */
    public void maxLength(int bytes) {
        this.maxLength = bytes;
    }

    /** Switches to another stream (after a TLS handshake); buffered bytes of the old one are dropped. */
    public void reset(InputStream newIn) {
        this.in = newIn;
        readPos = 0;
        readLimit = 0;
        length = 0;
    }

    /** The next line, or null when the client closed the connection. */
    public Line read() throws IOException {
        length = 0;
        boolean tooLong = false;
        while (true) {
            int b = next();
            if (b < 0) {
                return null;
            }
            if (b == IAC) {
                int cmd = next();
                if (cmd < 0) {
                    return null;
                }
                if (cmd == IAC) {
                    tooLong |= append(IAC);
                } else if (cmd >= WILL && cmd <= DONT) {
                    int option = next();
                    if (option < 0) {
                        return null;
                    }
                    options.negotiate(cmd, option);
                } else if (cmd == SB) {
                    if (!skipSubnegotiation()) {
                        return null;
                    }
                } else if (cmd < SE) {
                    // IAC followed by an ordinary byte: the Data Mark went out of band; keep the byte
                    if (cmd == '\n') {
                        return finish(tooLong);
                    }
                    tooLong |= append(cmd);
                }
                continue;
            }
            if (b == '\n') {
                return finish(tooLong);
            }
            tooLong |= append(b);
        }
    }

    private Line finish(boolean tooLong) {
        int end = length;
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        if (tooLong || end > maxLength) {
            return new Line("", true);
        }
        return new Line(decode(line, end), false);
    }

    private boolean skipSubnegotiation() throws IOException {
        int prev = -1;
        while (true) {
            int b = next();
            if (b < 0) {
                return false;
            }
            if (prev == IAC && b == SE) {
                return true;
            }
            prev = (prev == IAC && b == IAC) ? -1 : b;
        }
    }

    /**
     * Adds a byte; returns true once the line is over the limit (the rest is then discarded). The
     * limit counts the command text only: one byte more is kept for the CR of a CRLF, and
     * {@link #finish} checks the length once that CR is dropped.
     */
    private boolean append(int b) {
        int limit = maxLength + 1;
        if (length >= limit) {
            return true;
        }
        if (length == line.length) {
            line = Arrays.copyOf(line, Math.min(limit, line.length * 2));
        }
        line[length++] = (byte) b;
        return false;
    }

    private int next() throws IOException {
        if (readPos == readLimit) {
            int n = in.read(readBuffer, 0, readBuffer.length);
            if (n <= 0) {
                return -1;
            }
            readPos = 0;
            readLimit = n;
            bytesRead += n;
        }
        return readBuffer[readPos++] & 0xFF;
    }

    /** Bytes read from the connection so far. */
    public long bytesRead() {
        return bytesRead;
    }

    /** Whether the reader holds bytes already received but not yet returned as a line. */
    public boolean hasBuffered() {
        return readPos < readLimit;
    }

    private static String decode(byte[] bytes, int len) {
        boolean ascii = true;
        for (int i = 0; i < len; i++) {
            if (bytes[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes, 0, len)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder cannot fail", e);
        }
    }
}

package org.modftpd.core.internal.modules;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.modftpd.core.internal.session.TransferControl;
import org.modftpd.core.internal.session.Transfers;

/**
 * Where a listing (LIST, MLSD, STAT) is written: a buffer that, once {@link #streaming()}, goes out
 * to the data connection in chunks while the listing is still being read. A listing is made
 * streaming only while nothing later can fail, so a listing that fails still sends nothing.
 */
final class ListingOutput {
    private static final int CHUNK = 32 * 1024;

    /** The text of the listing not yet sent. */
    final StringBuilder out = new StringBuilder(CHUNK + 512);
    private final SocketChannel data;
    private final TransferControl control;
    private boolean streaming;
    private long sent;
    /**
     * The text of a chunk and its UTF-8 bytes on their way out: made at the first flush, as large as
     * the text then (at most a chunk), so a listing of a few lines takes a few lines' worth.
     */
    private CharBuffer chars;
    private ByteBuffer bytes;
    private CharsetEncoder encoder;

    /** A listing for a data connection. */
    ListingOutput(SocketChannel data, TransferControl control) {
        this.data = data;
        this.control = control;
    }

    /** A listing kept whole in {@link #out} (a reply on the control connection). */
    ListingOutput() {
        this(null, null);
    }

    /** From now on, full chunks are sent as lines are added (only for a data connection). */
    void streaming() {
        streaming = data != null;
    }

    /** Called after each line: sends a full chunk when streaming. */
    void line() throws IOException {
        if (streaming && out.length() >= CHUNK) {
            flush(false);
        }
    }

    /** Sends what is left; returns the bytes sent on the data connection in all. */
    long finish() throws IOException {
        flush(true);
        return sent;
    }

    /**
     * Sends the text in whole chunks; the rest (less than a chunk) stays for the next flush unless
     * this is the {@code last}, so every write but the last carries a full chunk.
     */
    private void flush(boolean last) throws IOException {
        if (data == null || out.isEmpty()) {
            return;
        }
        int length = out.length();
        if (encoder == null) {
            // as String.getBytes: a lone surrogate goes out as '?'
            encoder = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
        }
        int need = Math.min(CHUNK, length);
        if (chars == null || chars.capacity() < need) {
            chars = CharBuffer.allocate(need);
            bytes = ByteBuffer.allocate(3 * need);
        }
        int from = 0;
        while (last ? from < length : length - from >= chars.capacity()) {
            int to = Math.min(length, from + chars.capacity());
            if (to < length && Character.isHighSurrogate(out.charAt(to - 1))) {
                to--; // a pair is encoded together
            }
            chars.clear();
            out.getChars(from, to, chars.array(), 0);
            chars.limit(to - from);
            bytes.clear();
            CoderResult result = encoder.encode(chars, bytes, to == length);
            if (to == length) {
                encoder.flush(bytes);
                encoder.reset();
            }
            if (result.isError() || result.isOverflow() || chars.hasRemaining()) {
                throw new IllegalStateException("listing chunk not encoded: " + result);
            }
            bytes.flip();
            sent += Transfers.sendBytes(bytes, data, control);
            from = to;
        }
        out.delete(0, from);
    }
}

package org.modftpd.core.internal.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Moves bytes between files and data connections: zero-copy ({@code sendfile}, {@code splice}) for
 * binary downloads, large direct buffers for binary uploads, and line-ending conversion for ASCII mode
 * (LF to CRLF on the way out, CRLF to LF on the way in).
 */
public final class Transfers {

    private static final long SENDFILE_CHUNK = 8L << 20;
    /** A download of at most this many bytes is read into a buffer and written at once. */
    public static final int SMALL_FILE = 64 * 1024;

    private Transfers() {
    }

    /**
     * Sends a file from {@code offset}. {@code expectedSize} is the size the file had when it was
     * looked at (and {@code fileKey} its identity); a file that small is read into a buffer and written at once (the fresh connection's empty send
     * buffer takes it without waiting, so it is done with no thread watching the control channel);
     * anything else goes out zero-copy, first with {@code sendfile} as far as the socket takes it
     * without waiting, then, watched, spliced through a pipe ({@link Splicing}) where the file at
     * {@code path} can be, else with {@code sendfile} (where the socket is full and sendfile cannot
     * wait, a buffered write waits); or, when {@code buffers} is given ({@code UseSendfile off}),
     * read into one of its buffers and written. {@code small} lends the buffer for a small file and
     * for those waits.
     */
    public static long sendBinary(FileChannel file, Path path, Object fileKey, long offset, long expectedSize,
            SocketChannel out, TransferControl control, BufferPool small, BufferPool buffers) throws IOException {
        long position = offset;
        if (!control.watched() && expectedSize - offset <= SMALL_FILE) {
            ByteBuffer buffer = small.take();
            try {
                int n = file.read(buffer, position);
                if (n <= 0) {
                    return 0;
                }
                buffer.flip();
                out.configureBlocking(false);
                position += out.write(buffer);
                control.add(position - offset);
                if (!buffer.hasRemaining() && n < buffer.capacity()) {
                    return position - offset;
                }
                if (!out.isOpen()) {
                    throw new java.nio.channels.ClosedChannelException();
                }
                out.configureBlocking(true);
                control.watch();
                while (buffer.hasRemaining()) {
                    int w = out.write(buffer);
                    position += w;
                    control.add(w);
                }
            } finally {
                small.give(buffer);
            }
        }
        long size = file.size();
        boolean sendfile = buffers == null;
        if (sendfile && !control.watched() && position < size) {
            // first without waiting: a small file fits the fresh connection's send buffer and is done
            // here, with no thread watching the control channel; whatever does not fit is sent below,
            // watched, as always
            out.configureBlocking(false);
            try {
                while (position < size) {
                    long n = file.transferTo(position, Math.min(SENDFILE_CHUNK, size - position), out);
                    if (n <= 0) {
                        break;
                    }
                    position += n;
                    control.add(n);
                }
            } finally {
                if (position < size && out.isOpen()) {
                    out.configureBlocking(true);
                }
            }
        }
        if (position >= size) {
            return position - offset;
        }
        control.watch();
        BufferPool lender = sendfile ? small : buffers;
        ByteBuffer buffer = sendfile ? null : buffers.take();
        Splicing.Splice splice = sendfile ? Splicing.open(path, fileKey, out, small) : null;
        try {
            while (position < size) {
                long n = splice != null ? splice.send(position, Math.min(SENDFILE_CHUNK, size - position))
                        : sendfile ? file.transferTo(position, Math.min(SENDFILE_CHUNK, size - position), out)
                        : sendBuffered(file, position, out, buffer);
                if (n < 0) {
                    // a file system that cannot splice: sendfile as before
                    splice.close();
                    splice = null;
                    continue;
                }
                if (n <= 0) {
                    if (!out.isOpen()) {
                        throw new java.nio.channels.ClosedChannelException();
                    }
                    size = file.size();
                    if (position >= size || !sendfile || splice != null) {
                        break;
                    }
                    // the socket is full, and non-blocking underneath once a virtual thread has written to
                    // it (the small-file path), where transferTo returns at once: a write waits for room
                    if (buffer == null) {
                        buffer = small.take();
                    }
                    n = sendBuffered(file, position, out, buffer);
                }
                position += n;
                control.add(n);
            }
        } finally {
            if (splice != null) {
                splice.close();
            }
            if (buffer != null) {
                lender.give(buffer);
            }
        }
        return position - offset;
    }

    private static long sendBuffered(FileChannel file, long position, SocketChannel out, ByteBuffer buffer)
            throws IOException {
        buffer.clear();
        if (file.read(buffer, position) <= 0) {
            return 0;
        }
        buffer.flip();
        return writeFully(out, buffer);
    }

    public static long receiveBinary(SocketChannel in, FileChannel file, long offset, ByteBuffer buffer,
            TransferControl control, long maxBytes) throws IOException {
        long position = offset;
        buffer.clear();
        while (true) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            control.add(n);
            if (maxBytes >= 0 && position - offset + buffer.position() > maxBytes) {
                throw new FileTooLargeException();
            }
            if (!buffer.hasRemaining()) {
                position += drain(buffer, file, position);
            }
        }
        position += drain(buffer, file, position);
        return position - offset;
    }

    private static long drain(ByteBuffer buffer, FileChannel file, long position) throws IOException {
        buffer.flip();
        long written = 0;
        while (buffer.hasRemaining()) {
            written += file.write(buffer, position + written);
        }
        buffer.clear();
        return written;
    }

    /** Sends a file in ASCII mode: a LF not already preceded by CR goes out as CRLF. */
    public static long sendAscii(FileChannel file, long offset, SocketChannel out, TransferControl control)
            throws IOException {
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        ByteBuffer wire = ByteBuffer.allocate(128 * 1024 + 1);
        long position = offset;
        long sent = 0;
        byte previous = 0;
        while (true) {
            in.clear();
            int n = file.read(in, position);
            if (n < 0) {
                break;
            }
            position += n;
            in.flip();
            wire.clear();
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n' && previous != '\r') {
                    wire.put((byte) '\r');
                }
                wire.put(b);
                previous = b;
            }
            wire.flip();
            sent += writeFully(out, wire);
            control.add(n);
        }
        return sent;
    }

    /** Receives a file in ASCII mode: CRLF is stored as LF; a CR not followed by LF is kept. */
    public static long receiveAscii(SocketChannel in, FileChannel file, long offset, TransferControl control,
            long maxBytes) throws IOException {
        ByteBuffer wire = ByteBuffer.allocate(64 * 1024);
        ByteBuffer disk = ByteBuffer.allocate(64 * 1024 + 1);
        long position = offset;
        boolean pendingCr = false;
        while (true) {
            wire.clear();
            int n = in.read(wire);
            if (n < 0) {
                break;
            }
            control.add(n);
            wire.flip();
            disk.clear();
            while (wire.hasRemaining()) {
                byte b = wire.get();
                if (pendingCr) {
                    pendingCr = false;
                    if (b != '\n') {
                        disk.put((byte) '\r');
                    }
                }
                if (b == '\r') {
                    pendingCr = true;
                } else {
                    disk.put(b);
                }
            }
            disk.flip();
            if (maxBytes >= 0 && position - offset + disk.remaining() > maxBytes) {
                throw new FileTooLargeException();
            }
            while (disk.hasRemaining()) {
                position += file.write(disk, position);
            }
        }
        if (pendingCr) {
            position += file.write(ByteBuffer.wrap(new byte[] {'\r'}), position);
        }
        return position - offset;
    }

    /** Sends bytes that are already in ASCII wire format (listings). */
    public static long sendBytes(ByteBuffer data, SocketChannel out, TransferControl control) throws IOException {
        long n = writeFully(out, data);
        control.add(n);
        return n;
    }

    private static long writeFully(SocketChannel out, ByteBuffer b) throws IOException {
        long total = 0;
        while (b.hasRemaining()) {
            total += out.write(b);
        }
        return total;
    }

    /** A store went over MaxStoreFileSize. */
    public static final class FileTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        FileTooLargeException() {
            super("File too large", null);
        }
    }
}

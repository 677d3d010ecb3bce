package org.modftpd.core.internal.session;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/** The running transfer of a session: its progress, and a way to abort it from another thread. */
public final class TransferControl {
    private final String command;
    private final String clientPath;
    private final long expectedBytes;
    private final long startedNanos = System.nanoTime();
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean aborted;
    private volatile String abortReason;
    private volatile Channel channel;

    TransferControl(String command, String clientPath, long expectedBytes) {
        this.command = command;
        this.clientPath = clientPath;
        this.expectedBytes = expectedBytes;
    }

    public String command() {
        return command;
    }

    public String clientPath() {
        return clientPath;
    }

    /** The size announced for downloads, or -1. */
    public long expectedBytes() {
        return expectedBytes;
    }

    public long bytes() {
        return bytes.get();
    }

    void add(long n) {
        bytes.addAndGet(n);
    }

    public long elapsedNanos() {
        return System.nanoTime() - startedNanos;
    }

    void attach(Channel c) {
        this.channel = c;
        if (aborted) {
            closeQuietly(c);
        }
    }

    public boolean aborted() {
        return aborted;
    }

    String abortReason() {
        return abortReason;
    }

    /** Stops the transfer by closing its data connection; the transferring thread sees the close. */
    public void abort(String reason) {
        abortReason = reason;
        aborted = true;
        Channel c = channel;
        if (c != null) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Channel c) {
        if (c instanceof SocketChannel sc) {
            try {
                // closing alone does not wake a thread blocked in sendfile (FileChannel.transferTo) on
                // this socket; shutting the output down does
                sc.shutdownOutput();
            } catch (IOException ignored) {
                // not connected or already shut down: the close below is all that is left to do
            }
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }
}

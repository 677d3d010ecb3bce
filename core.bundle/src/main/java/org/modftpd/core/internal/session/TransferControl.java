package org.modftpd.core.internal.session;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
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
    private boolean watched;
    private List<Runnable> onWatch;

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

    /**
     * The transfer is about to wait (for the data connection, or for the network to take more
     * bytes): from now on the control channel is read during it (ABOR, STAT, NOOP) and the stall
     * timeout runs. A transfer that never waits (a small file that fits the socket buffer at once)
     * finishes without either, as it would finish before the first poll of the control channel in
     * ProFTPD. Called on the transferring thread; idempotent.
     */
    public void watch() {
        if (watched) {
            return;
        }
        watched = true;
        List<Runnable> hooks = onWatch;
        onWatch = null;
        if (hooks != null) {
            for (Runnable r : hooks) {
                r.run();
            }
        }
    }

    /** Whether {@link #watch()} was called. */
    public boolean watched() {
        return watched;
    }

    /** Runs {@code r} when the transfer starts to be watched (at once when it already is). */
    public void whenWatched(Runnable r) {
        if (watched) {
            r.run();
            return;
        }
        if (onWatch == null) {
            onWatch = new ArrayList<>(2);
        }
        onWatch.add(r);
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

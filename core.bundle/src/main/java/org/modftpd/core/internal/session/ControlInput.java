package org.modftpd.core.internal.session;

import java.io.IOException;
import org.modftpd.core.internal.protocol.CommandLineReader;
import org.modftpd.core.internal.protocol.CommandLineReader.Line;

/**
 * Hands command lines to the session thread. Normally the session thread reads them itself; while a
 * transfer runs, a watcher thread reads instead so that ABOR, STAT and NOOP are answered during the
 * transfer, and the next ordinary line is handed over once the transfer is done.
 */
final class ControlInput {

    /** Decides what to do with a line that arrives while a transfer runs. */
    interface DuringTransfer {
        /** Returns true when the line was dealt with; false to hold it until the transfer ends. */
        boolean handle(Line line);

        /** Whether the line should also be dispatched after the transfer (ABOR, after aborting). */
        boolean dispatchAfter(Line line);

        /** The client closed the control connection (or it failed) while the transfer runs. */
        void controlClosed();
    }

    private static final Line EOF = new Line(null, false);

    private final CommandLineReader reader;
    private final String name;
    private final Object lock = new Object();
    private boolean watcherRunning;
    private Line handedOver;
    private DuringTransfer transfer;
    private IOException failure;

    ControlInput(CommandLineReader reader, String name) {
        this.reader = reader;
        this.name = name;
    }

    CommandLineReader reader() {
        return reader;
    }

    /** The next line, or null at end of stream. */
    Line next() throws IOException, InterruptedException {
        synchronized (lock) {
            while (watcherRunning && handedOver == null && failure == null) {
                lock.wait();
            }
            if (handedOver != null || failure != null) {
                Line l = handedOver;
                IOException f = failure;
                handedOver = null;
                failure = null;
                watcherRunning = false;
                if (f != null) {
                    throw f;
                }
                return l == EOF ? null : l;
            }
        }
        return reader.read();
    }

    /** A transfer starts: from now on control lines are read by a watcher thread. */
    void transferStarted(DuringTransfer handler) {
        synchronized (lock) {
            transfer = handler;
            if (!watcherRunning) {
                watcherRunning = true;
                Thread.ofVirtual().name(name + "-control").start(this::watch);
            }
        }
    }

    /** The transfer ended; a line the watcher held back is released to the session thread. */
    void transferEnded() {
        synchronized (lock) {
            transfer = null;
            lock.notifyAll();
        }
    }

    private void watch() {
        while (true) {
            Line line;
            try {
                line = reader.read();
            } catch (IOException e) {
                synchronized (lock) {
                    failure = e;
                    if (transfer != null) {
                        transfer.controlClosed();
                    }
                    lock.notifyAll();
                }
                return;
            }
            synchronized (lock) {
                if (line == null) {
                    handedOver = EOF;
                    if (transfer != null) {
                        transfer.controlClosed();
                    }
                    lock.notifyAll();
                    return;
                }
                DuringTransfer t = transfer;
                if (t != null && t.handle(line) && !t.dispatchAfter(line)) {
                    continue;
                }
                while (transfer != null) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                handedOver = line;
                lock.notifyAll();
                return;
            }
        }
    }
}

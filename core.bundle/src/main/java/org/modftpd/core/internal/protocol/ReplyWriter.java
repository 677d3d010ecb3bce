package org.modftpd.core.internal.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/** Writes whole replies to the control connection; a reply is never interleaved with another. */
public final class ReplyWriter {
    private final ReentrantLock lock = new ReentrantLock();
    private OutputStream out;
    private byte[] held;
    private volatile boolean rfc2228;
    private volatile int lastCode;
    private volatile long bytesWritten;

    public ReplyWriter(OutputStream out) {
        this.out = out;
    }

    public void reset(OutputStream newOut) {
        lock.lock();
        try {
            this.out = newOut;
        } finally {
            lock.unlock();
        }
    }

    /** Continuation lines carry the code (ProFTPD's MultilineRFC2228, and protected sessions). */
    public void rfc2228(boolean on) {
        this.rfc2228 = on;
    }

    public void send(int code, String text) throws IOException {
        send(Reply.lines(code, text));
    }

    public void send(List<Reply> replies) throws IOException {
        if (replies.isEmpty()) {
            return;
        }
        write(Reply.format(replies, rfc2228).getBytes(StandardCharsets.UTF_8), replies.get(replies.size() - 1).code());
    }

    /**
     * Takes a reply to be written with the next write (or by {@link #release()}), so that it and
     * the reply that follows it reach the client in one segment. It counts as written already.
     */
    public void hold(int code, String text) {
        byte[] bytes = Reply.format(Reply.lines(code, text), rfc2228).getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            held = held == null ? bytes : concat(held, bytes);
            bytesWritten += bytes.length;
            lastCode = code;
        } finally {
            lock.unlock();
        }
    }

    /** Writes a reply taken by {@link #hold}, if one waits. */
    public void release() throws IOException {
        lock.lock();
        try {
            if (held != null) {
                byte[] bytes = held;
                held = null;
                out.write(bytes);
                out.flush();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Answers a Telnet option negotiation as ProFTPD does, refusing every option: {@code IAC DONT x}
     * to {@code WILL}/{@code WONT x}, {@code IAC WONT x} to {@code DO}/{@code DONT x}. Never inside
     * a reply.
     */
    public void refuseTelnetOption(int verb, int option) throws IOException {
        int answer = verb == 0xFB || verb == 0xFC ? 0xFE : 0xFC;
        write(new byte[] {(byte) 0xFF, (byte) answer, (byte) option}, 0);
    }

    /** Writes bytes whole; {@code code} is the reply code they end with (0: not a reply). */
    private void write(byte[] bytes, int code) throws IOException {
        lock.lock();
        try {
            if (held != null) {
                byte[] before = held;
                held = null;
                out.write(concat(before, bytes));
            } else {
                out.write(bytes);
            }
            out.flush();
            bytesWritten += bytes.length;
            if (code != 0) {
                lastCode = code;
            }
        } finally {
            lock.unlock();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** Bytes written to the connection so far. */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** The code of the last reply written. */
    public int lastCode() {
        return lastCode;
    }
}

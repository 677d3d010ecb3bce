package org.modftpd.core.internal.modules;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.modftpd.api.Command;
import org.modftpd.api.Command.Outcome;
import org.modftpd.api.Transfer;
import org.modftpd.core.internal.dispatch.CommandImpl;
import org.modftpd.core.internal.session.SessionImpl;
import org.modftpd.core.internal.session.TransferControl;

/**
 * The common shape of every transfer: open the data connection (425 if that fails), send the 150
 * line, move the data while the control channel stays readable for ABOR, and finish with 226 or the
 * ProFTPD reply for what went wrong.
 */
final class DataTransfer {

    /** Moves the data; returns the number of bytes on the data connection. */
    interface Body {
        long run(SocketChannel data, TransferControl control) throws IOException;
    }

    /** Thrown by a listing body when its target does not exist (after the 150, as ProFTPD does for LIST). */
    static final class Missing extends IOException {
        private static final long serialVersionUID = 1L;

        Missing(String what) {
            super(what);
        }
    }

    /** Refuses the transfer after the 150 ({@code 426 Transfer aborted. <reason>}). */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String reason) {
            super(reason);
        }
    }

    /** Why a transfer failed, for clean-up decisions. */
    enum Failure { ABORTED, TOO_LARGE, OTHER }

    /** Called after a failed or aborted transfer, before the error reply (to clean up partial files). */
    interface Cleanup {
        void failed(Failure why);
    }

    private DataTransfer() {
    }

    static Outcome run(Command c, String argument, Path path, Transfer.Direction direction, long expected,
            String opening, Body body, Cleanup cleanup) {
        return run(c, argument, path, direction, expected, opening, body, cleanup, false);
    }

    /**
     * With {@code lazy}, the control channel and the stall timeout are watched only once the transfer
     * would wait ({@link TransferControl#watch()}, called by the data connection setup and by
     * bodies that try to finish without waiting first); other bodies are watched from the start.
     */
    static Outcome run(Command c, String argument, Path path, Transfer.Direction direction, long expected,
            String opening, Body body, Cleanup cleanup, boolean lazy) {
        SessionImpl s = Support.session(c);
        String clientPath = s.files().absolute(argument);
        boolean ascii = s.ascii();
        TransferControl t = s.beginTransfer(c.verb(), clientPath, expected, lazy);
        long started = System.nanoTime();
        SocketChannel ch;
        try {
            ch = s.openData(t);
        } catch (IOException e) {
            finish(c, s, t, path, clientPath, direction, ascii, started, false);
            cleanup.failed(t.aborted() ? Failure.ABORTED : Failure.OTHER);
            if (t.aborted()) {
                return c.error(426, "Transfer aborted. Data connection closed.");
            }
            return c.error(425, "Unable to build data connection: " + reason(e));
        }
        if (lazy) {
            // no client can tell the 150 of a transfer that never waited from one sent before the data:
            // the connection is open, and every byte fits the socket at once
            s.hold(150, opening);
            t.whenWatched(s::release);
        } else {
            s.send(150, opening);
        }
        s.transferHook(info(c, path, clientPath, direction, ascii, 0, started, false), true);
        AtomicReference<ScheduledFuture<?>> stallTimer = new AtomicReference<>();
        t.whenWatched(() -> stallTimer.set(watchStall(s, t)));
        boolean ok = false;
        try (ch) {
            body.run(ch, t);
            if (t.aborted()) {
                throw new java.nio.channels.AsynchronousCloseException();
            }
            ch.shutdownOutput();
            ok = true;
        } catch (Missing m) {
            finish(c, s, t, path, clientPath, direction, ascii, started, false);
            return c.error(450, m.getMessage() + ": No such file or directory");
        } catch (Refused r) {
            finish(c, s, t, path, clientPath, direction, ascii, started, false);
            cleanup.failed(Failure.OTHER);
            return c.error(426, "Transfer aborted. " + r.getMessage());
        } catch (IOException e) {
            ok = false;
            Outcome result = failure(c, s, t, e);
            finish(c, s, t, path, clientPath, direction, ascii, started, false);
            cleanup.failed(t.aborted() ? Failure.ABORTED
                    : e instanceof org.modftpd.core.internal.session.Transfers.FileTooLargeException ? Failure.TOO_LARGE
                    : Failure.OTHER);
            return result;
        } finally {
            ScheduledFuture<?> stall = stallTimer.get();
            if (stall != null) {
                stall.cancel(false);
            }
        }
        finish(c, s, t, path, clientPath, direction, ascii, started, ok);
        return c.reply(226, "Transfer complete");
    }

    private static Outcome failure(Command c, SessionImpl s, TransferControl t, IOException e) {
        if (t.aborted()) {
            return c.error(426, "Transfer aborted. Data connection closed.");
        }
        if (e instanceof org.modftpd.core.internal.session.Transfers.FileTooLargeException) {
            return c.error(552, "Transfer aborted. File too large");
        }
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("No space left on device")) {
            return c.error(452, "Transfer aborted. No space left on device");
        }
        if (e instanceof java.nio.file.FileSystemException) {
            return c.error(451, "Transfer aborted. " + org.modftpd.core.internal.fs.Errors.text(e));
        }
        s.log().debug(c.verb() + " data connection failed: " + e);
        return c.error(426, "Transfer aborted. Data connection closed");
    }

    private static void finish(Command c, SessionImpl s, TransferControl t, Path path, String clientPath,
            Transfer.Direction direction, boolean ascii, long started, boolean completed) {
        Transfer info = info(c, path, clientPath, direction, ascii, t.bytes(), started, completed);
        s.endTransfer(t, info);
        ((CommandImpl) c).transfer(info);
        s.transferHook(info, false);
    }

    private static Transfer info(Command c, Path path, String clientPath, Transfer.Direction direction,
            boolean ascii, long bytes, long started, boolean completed) {
        return new Transfer(c.verb(), direction, path, clientPath, ascii, bytes,
                Duration.ofNanos(System.nanoTime() - started), completed);
    }

    /** TimeoutStalled: no data moved for that long ends the session without a reply, as in ProFTPD. */
    private static ScheduledFuture<?> watchStall(SessionImpl s, TransferControl t) {
        long seconds = s.value(CoreDirectives.TIMEOUT_STALLED);
        if (seconds <= 0) {
            return null;
        }
        AtomicLong last = new AtomicLong(-1);
        return s.runtime().timer().scheduleAtFixedRate(() -> {
            long now = t.bytes();
            if (now == last.getAndSet(now)) {
                s.log().notice("Data transfer stall timeout: " + seconds + " seconds");
                t.abort("stalled");
                s.close();
            }
        }, seconds, seconds, TimeUnit.SECONDS);
    }

    private static String reason(IOException e) {
        if (e instanceof ConnectException) {
            return "Connection refused";
        }
        if (e instanceof SocketTimeoutException || String.valueOf(e.getMessage()).contains("timed out")) {
            return "Connection timed out";
        }
        return e.getMessage() == null ? "Internal error" : e.getMessage();
    }
}

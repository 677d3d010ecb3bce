package org.modftpd.core.internal.session;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.LoggerFactory;

/**
 * Zero-copy downloads through a pipe: splice(2) moves the file's pages into a pipe of 1 MiB and
 * from there into the socket, without copying them (sendfile(2) does the same through a pipe of
 * 64 KiB, and pays its per-round costs sixteen times as often). On Linux with a JDK of release 22
 * or later whose {@code sun.nio.ch} is exported to the server ({@code bin/modftpd} does), through
 * {@code NativeSplicer} (in the bundle's release-22 classes); elsewhere, or with
 * {@code -Dmodftpd.splice=false}, downloads go by {@code FileChannel.transferTo} (sendfile).
 */
final class Splicing {

    /** Opens splices for downloads. */
    interface Splicer {
        /**
         * A splice from {@code file}, which must still be the file of {@code fileKey} (as
         * {@link BasicFileAttributes#fileKey()} gave it), to {@code out}, borrowing a buffer of
         * {@code waits} when the socket is full; null when this file or socket cannot be spliced.
         */
        Splice open(Path file, Object fileKey, SocketChannel out, BufferPool waits) throws IOException;
    }

    /** One download's pipe. Used and closed by the thread that opened it. */
    interface Splice extends Closeable {
        /**
         * Sends up to {@code count} bytes of the file from {@code position}, waiting (the thread
         * parks) while the socket is full; the number sent, 0 at the end of the file, -1 when the
         * file's file system cannot splice and nothing was sent yet.
         */
        long send(long position, long count) throws IOException;
    }

    private static final Splicer SPLICER = splicer();

    private Splicing() {
    }

    /** Whether downloads are spliced (false: sendfile). */
    static boolean available() {
        return SPLICER != null;
    }

    static Splice open(Path file, Object fileKey, SocketChannel out, BufferPool waits) throws IOException {
        return SPLICER == null || file == null || fileKey == null ? null : SPLICER.open(file, fileKey, out, waits);
    }

    private static Splicer splicer() {
        if (!Boolean.parseBoolean(System.getProperty("modftpd.splice", "true"))) {
            return null;
        }
        try {
            Class<?> type = Class.forName(Splicing.class.getPackageName() + ".NativeSplicer", true,
                    Splicing.class.getClassLoader());
            return (Splicer) type.getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException older) {
            return null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            LoggerFactory.getLogger("modftpd").info("Downloads go by sendfile, not splice: {}", cause.toString());
            return null;
        }
    }
}

package org.modftpd.core.internal.session;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;

/**
 * TCP_CORK, which ProFTPD sets on a data connection around sendfile: while corked, Linux sends full
 * segments only. Uncorked, each time the network empties the send queue before sendfile has filled
 * the segment at its tail, that segment leaves part-filled: on loopback a third of a large
 * download's segments, each one a packet to process at both ends.
 *
 * <p>Java has no option for it, so this calls the JDK's own setsockopt in {@code sun.nio.ch}, which
 * {@code bin/modftpd} opens to the server ({@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}).
 * Without that, or on another system than Linux, {@link #available()} is false and nothing is corked.
 */
final class TcpCork {

    private static final int IPPROTO_TCP = 6;
    private static final int TCP_CORK = 3;

    /** {@code SelChImpl.getFD()}. */
    private static final MethodHandle FD;
    /** {@code Net.setIntOption0(FileDescriptor, boolean mayNeedConversion, int level, int opt, int arg, boolean isIPv6)}. */
    private static final MethodHandle SET;
    private static final Class<?> SELECTABLE;

    static {
        MethodHandle fd = null;
        MethodHandle set = null;
        Class<?> selectable = null;
        if (System.getProperty("os.name", "").startsWith("Linux")) {
            try {
                selectable = Class.forName("sun.nio.ch.SelChImpl", false, null);
                Method getFd = selectable.getMethod("getFD");
                Method setInt = Class.forName("sun.nio.ch.Net", false, null).getDeclaredMethod("setIntOption0",
                        FileDescriptor.class, boolean.class, int.class, int.class, int.class, boolean.class);
                getFd.setAccessible(true);
                setInt.setAccessible(true);
                fd = MethodHandles.lookup().unreflect(getFd);
                set = MethodHandles.lookup().unreflect(setInt);
            } catch (ReflectiveOperationException | RuntimeException notOpened) {
                fd = null;
                set = null;
            }
        }
        FD = fd;
        SET = set;
        SELECTABLE = selectable;
    }

    private TcpCork() {
    }

    static boolean available() {
        return SET != null;
    }

    /** Corks or uncorks {@code ch}; does nothing when {@link #available()} is false. */
    static void set(SocketChannel ch, boolean on) throws IOException {
        if (SET == null || !SELECTABLE.isInstance(ch)) {
            return;
        }
        try {
            SET.invoke((FileDescriptor) FD.invoke(ch), false, IPPROTO_TCP, TCP_CORK, on ? 1 : 0, false);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }
}

package org.modftpd.core.internal.session;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * {@link Splicing.Splicer} on the C library. The file is opened again by its path (O_NOFOLLOW, as
 * the server opened it) and used only when it is the same file (device and inode) that the
 * download's checks looked at; the socket is a dup(2) of the channel's descriptor, taken while the
 * channel is open, so that a close of the channel by another thread (ABOR, a kick) cannot hand its
 * number to another file under the splice: such a close shuts the socket's output down first,
 * and the splice fails.
 */
final class NativeSplicer implements Splicing.Splicer {

    private static final int O_RDONLY = 0;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_NOFOLLOW = 0x20000;
    private static final int O_CLOEXEC = 0x80000;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int F_SETPIPE_SZ = 1031;
    private static final int F_GETPIPE_SZ = 1032;
    private static final int SPLICE_F_MOVE = 1;
    private static final int SPLICE_F_NONBLOCK = 2;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int EINVAL = 22;
    private static final int ENOSYS = 38;
    private static final int PIPE_SIZE = 1 << 20;

    private final MethodHandle open;
    private final MethodHandle close;
    private final MethodHandle dup;
    private final MethodHandle pipe2;
    private final MethodHandle fcntl;
    private final MethodHandle splice;
    private final MethodHandle read;
    private final MethodHandle strerror;
    private final MethodHandle socketDescriptor;
    private final StructLayout callState = Linker.Option.captureStateLayout();
    private final VarHandle errno = callState.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private final Charset charset = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

    NativeSplicer() throws ReflectiveOperationException {
        if (!"Linux".equals(System.getProperty("os.name")) || ADDRESS.byteSize() != 8) {
            throw new UnsupportedOperationException("not 64-bit Linux");
        }
        // the channel's descriptor: a public method of the JDK's socket channels, in a package
        // exported to the server by --add-exports java.base/sun.nio.ch=ALL-UNNAMED
        Class<?> selectable = Class.forName("sun.nio.ch.SelChImpl", false, null);
        socketDescriptor = MethodHandles.lookup()
                .findVirtual(selectable, "getFDVal", MethodType.methodType(int.class))
                .asType(MethodType.methodType(int.class, SocketChannel.class));
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option saveErrno = Linker.Option.captureCallState("errno");
        open = linker.downcallHandle(libc.find("open").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), saveErrno, Linker.Option.firstVariadicArg(2));
        close = linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        dup = linker.downcallHandle(libc.find("dup").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT),
                saveErrno);
        pipe2 = linker.downcallHandle(libc.find("pipe2").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), saveErrno);
        fcntl = linker.downcallHandle(libc.find("fcntl").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
        splice = linker.downcallHandle(libc.find("splice").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), saveErrno);
        read = linker.downcallHandle(libc.find("read").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), saveErrno);
        strerror = linker.downcallHandle(libc.find("strerror").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    @Override
    public Splicing.Splice open(Path file, Object fileKey, SocketChannel out, BufferPool waits) throws IOException {
        Arena arena = Arena.ofConfined();
        NativeSplice s = new NativeSplice(arena, out, waits);
        try {
            return s.open(file, fileKey) ? s : closed(s);
        } catch (ClosedChannelException aborted) {
            s.close();
            throw aborted;
        } catch (IOException e) {
            // the file could not be looked at again: it goes by sendfile
            return closed(s);
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    private static Splicing.Splice closed(NativeSplice s) {
        s.close();
        return null;
    }

    private final class NativeSplice implements Splicing.Splice {
        private final Arena arena;
        private final SocketChannel out;
        private final MemorySegment state;
        private final MemorySegment offset;
        private final BufferPool waits;
        /** Borrowed from {@code waits} at the first full socket, given back at close. */
        private ByteBuffer waitBuffer;
        private int fileFd = -1;
        private int socketFd = -1;
        private int pipeWriteEnd = -1;
        private int pipeReadEnd = -1;
        private long pipeSize;
        private boolean sentAny;

        NativeSplice(Arena arena, SocketChannel out, BufferPool waits) {
            this.arena = arena;
            this.out = out;
            this.waits = waits;
            this.state = arena.allocate(callState);
            this.offset = arena.allocate(JAVA_LONG);
        }

        boolean open(Path file, Object fileKey) throws IOException {
            try {
                fileFd = (int) open.invokeExact(state, arena.allocateFrom(file.toString(), charset),
                        O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                if (fileFd < 0 || !fileKey.equals(Files.readAttributes(
                        Path.of("/proc/self/fd/" + fileFd), BasicFileAttributes.class).fileKey())) {
                    return false;
                }
                if (!out.isOpen()) {
                    throw new ClosedChannelException();
                }
                if (!out.isBlocking()) {
                    // the write that waits for room would return at once instead
                    return false;
                }
                socketFd = (int) dup.invokeExact(state, (int) socketDescriptor.invokeExact(out));
                if (socketFd < 0) {
                    return false;
                }
                if (!out.isOpen()) {
                    // closed before the dup, so the number may have been another file's by then
                    throw new ClosedChannelException();
                }
                if (Thread.currentThread().isVirtual()) {
                    // a full socket must not hold the carrier thread: splice returns EAGAIN instead, and
                    // the channel's own write waits (parks) for room
                    int flags = (int) fcntl.invokeExact(socketFd, F_GETFL, 0);
                    if (flags < 0 || (flags & O_NONBLOCK) == 0
                            && (int) fcntl.invokeExact(socketFd, F_SETFL, flags | O_NONBLOCK) < 0) {
                        return false;
                    }
                }
                MemorySegment fds = arena.allocate(JAVA_INT, 2);
                if ((int) pipe2.invokeExact(state, fds, O_CLOEXEC | O_NONBLOCK) != 0) {
                    return false;
                }
                pipeReadEnd = fds.getAtIndex(JAVA_INT, 0);
                pipeWriteEnd = fds.getAtIndex(JAVA_INT, 1);
                int size = (int) fcntl.invokeExact(pipeWriteEnd, F_SETPIPE_SZ, PIPE_SIZE);
                pipeSize = size > 0 ? size : (int) fcntl.invokeExact(pipeWriteEnd, F_GETPIPE_SZ, 0);
                return pipeSize > 0;
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        @Override
        public long send(long position, long count) throws IOException {
            try {
                offset.set(JAVA_LONG, 0, position);
                long taken;
                do {
                    taken = (long) splice.invokeExact(state, fileFd, offset, pipeWriteEnd, MemorySegment.NULL,
                            Math.min(count, pipeSize), SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
                } while (taken < 0 && error() == EINTR);
                if (taken < 0 && !sentAny && (error() == EINVAL || error() == ENOSYS)) {
                    return -1;
                }
                if (taken < 0) {
                    throw failure(error());
                }
                sentAny = true;
                long left = taken;
                while (left > 0) {
                    long n = (long) splice.invokeExact(state, pipeReadEnd, MemorySegment.NULL, socketFd, MemorySegment.NULL,
                            left, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
                    if (n > 0) {
                        left -= n;
                    } else if (n < 0 && error() == EAGAIN) {
                        left -= sendWaiting(left);
                    } else if (n < 0 && error() != EINTR) {
                        throw failure(error());
                    }
                }
                return taken;
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        /**
         * The socket is full: the head of the pipe goes through a pooled buffer, by the channel's write,
         * which waits for room (as a full socket under sendfile is waited for).
         */
        private long sendWaiting(long left) throws Throwable {
            if (waitBuffer == null) {
                waitBuffer = waits.take();
            }
            MemorySegment chunk = MemorySegment.ofBuffer(waitBuffer.clear());
            long n;
            do {
                n = (long) read.invokeExact(state, pipeReadEnd, chunk, Math.min(left, chunk.byteSize()));
            } while (n < 0 && error() == EINTR);
            if (n <= 0) {
                throw failure(n < 0 ? error() : 0);
            }
            waitBuffer.limit((int) n);
            while (waitBuffer.hasRemaining()) {
                out.write(waitBuffer);
            }
            return n;
        }

        private int error() {
            return (int) errno.get(state, 0L);
        }

        private IOException failure(int error) throws Throwable {
            if (!out.isOpen()) {
                return new ClosedChannelException();
            }
            MemorySegment text = (MemorySegment) strerror.invokeExact(error);
            return new IOException(text.reinterpret(256).getString(0, charset));
        }

        @Override
        public void close() {
            try {
                for (int fd : new int[] {pipeWriteEnd, pipeReadEnd, socketFd, fileFd}) {
                    if (fd >= 0) {
                        int ignored = (int) NativeSplicer.this.close.invokeExact(fd);
                    }
                }
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            } finally {
                arena.close();
                if (waitBuffer != null) {
                    waits.give(waitBuffer);
                }
            }
        }
    }
}

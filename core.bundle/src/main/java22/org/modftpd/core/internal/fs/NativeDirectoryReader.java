package org.modftpd.core.internal.fs;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.Charset;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * A {@link DirectoryReader} on the C library: getdents64(2) fills a buffer with many entries at a
 * time, and each entry is looked at with statx(2) and faccessat(2) relative to the open directory,
 * by the name in that buffer. The kernel walks one name instead of the whole path, and no Path,
 * attribute map or file name copy is made for an entry that nobody asks about.
 */
final class NativeDirectoryReader implements DirectoryReader {

    private static final int BUFFER = 64 * 1024;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final int ENOTDIR = 20;

    // struct linux_dirent64 and struct statx: the same layout on every Linux architecture
    private static final int D_RECLEN = 16;
    private static final int D_NAME = 19;
    private static final int STX_NLINK = 16;
    private static final int STX_UID = 20;
    private static final int STX_GID = 24;
    private static final int STX_MODE = 28;
    private static final int STX_INO = 32;
    private static final int STX_SIZE = 40;
    private static final int STX_MTIME = 112;
    private static final int STX_DEV_MAJOR = 136;
    private static final int STX_DEV_MINOR = 140;
    private static final int STATX_SIZE = 256;
    private static final int STX_ATTRIBUTES = 8;
    private static final int STX_ATTRIBUTES_MASK = 56;
    private static final long STATX_ATTR_IMMUTABLE = 0x10;
    private static final int AT_EMPTY_PATH = 0x1000;

    // struct statfs of 64-bit Linux
    private static final int STATFS_SIZE = 120;
    private static final int F_FLAGS = 80;
    private static final long ST_RDONLY = 1;
    /** tmpfs, ext2/3/4, xfs, btrfs: the local file systems read natively, with the kernel's own permission checks. */
    private static final long[] LOCAL_FILE_SYSTEMS = {0x01021994L, 0xEF53L, 0x58465342L, 0x9123683EL};

    /** The C library's functions, looked up once. */
    static final class NativeOpener implements Directories.Opener {
        private final MethodHandle opendir;
        private final MethodHandle dirfd;
        private final MethodHandle closedir;
        private final MethodHandle getdents64;
        private final MethodHandle statx;
        private final MethodHandle faccessat;
        private final MethodHandle fstatfs;
        private final boolean overridesPermissions = overridesPermissions();
        private final StructLayout callState = Linker.Option.captureStateLayout();
        private final VarHandle errno = callState.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        private final Charset charset = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

        NativeOpener() {
            if (!"Linux".equals(System.getProperty("os.name")) || ADDRESS.byteSize() != 8) {
                throw new UnsupportedOperationException("not 64-bit Linux");
            }
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            Linker.Option saveErrno = Linker.Option.captureCallState("errno");
            opendir = linker.downcallHandle(libc.find("opendir").orElseThrow(),
                    FunctionDescriptor.of(ADDRESS, ADDRESS), saveErrno);
            dirfd = linker.downcallHandle(libc.find("dirfd").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS));
            closedir = linker.downcallHandle(libc.find("closedir").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS));
            getdents64 = linker.downcallHandle(libc.find("getdents64").orElseThrow(),
                    FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), saveErrno);
            statx = linker.downcallHandle(libc.find("statx").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
            faccessat = linker.downcallHandle(libc.find("faccessat").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
            fstatfs = linker.downcallHandle(libc.find("fstatfs").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        }

        /**
         * Whether access(2) grants this process every read and search, and every write that the file
         * system's read-only flag and the file's immutable flag allow: it holds CAP_DAC_OVERRIDE and
         * CAP_DAC_READ_SEARCH in the initial user namespace, and no security module labels it.
         */
        private static boolean overridesPermissions() {
            try {
                long effective = 0;
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("CapEff:")) {
                        effective = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    }
                }
                String[] uidMap = Files.readString(Path.of("/proc/self/uid_map")).trim().split("\\s+");
                if ((effective & 0b110) != 0b110
                        || !String.join(" ", uidMap).equals("0 0 4294967295")) {
                    return false;
                }
            } catch (IOException | RuntimeException e) {
                return false;
            }
            try {
                String label = Files.readString(Path.of("/proc/self/attr/current")).replace("\0", "").trim();
                return label.isEmpty() || label.equals("unconfined");
            } catch (IOException noSecurityModule) {
                return true;
            }
        }

        @Override
        public DirectoryReader open(Path dir) throws IOException {
            Arena arena = Arena.ofConfined();
            boolean opened = false;
            try {
                MemorySegment state = arena.allocate(callState);
                MemorySegment dirStream = (MemorySegment) opendir.invokeExact(state,
                        arena.allocateFrom(dir.toString(), charset));
                if (dirStream.equals(MemorySegment.NULL)) {
                    int error = (int) errno.get(state, 0L);
                    if (error == ENOENT) {
                        // perhaps a name this charset cannot carry back to bytes: java.nio.file keeps the bytes
                        return Directories.nio(dir);
                    }
                    throw exception(error, dir.toString());
                }
                int fd = (int) dirfd.invokeExact(dirStream);
                MemorySegment fs = arena.allocate(STATFS_SIZE, 8);
                if ((int) fstatfs.invokeExact(fd, fs) != 0 || !isLocal(fs.get(JAVA_LONG, 0))) {
                    int ignored = (int) closedir.invokeExact(dirStream);
                    // a network or user-space file system may keep a call waiting: java.nio.file lets the
                    // JDK add a carrier thread meanwhile, a native call would hold the session's carrier
                    return Directories.nio(dir);
                }
                boolean readOnly = (fs.get(JAVA_LONG, F_FLAGS) & ST_RDONLY) != 0;
                DirectoryReader reader = new NativeDirectoryReader(this, arena, state, dirStream, fd, dir, readOnly);
                opened = true;
                return reader;
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            } finally {
                if (!opened) {
                    arena.close();
                }
            }
        }
    }

    private final NativeOpener c;
    private final Arena arena;
    private final MemorySegment state;
    private final MemorySegment dirStream;
    private final int fd;
    private final Path dir;
    private final MemorySegment buffer;
    private final MemorySegment stat;
    private long filled;
    private long at;
    private long current = -1;
    private String name;
    private Path path;
    private boolean closed;
    /** Whether access can be answered from an entry's statx (see NativeOpener.overridesPermissions). */
    private final boolean answerAccess;
    private final boolean readOnly;
    private final long dev;
    /** The entry whose statx is in {@link #stat}, or -1. */
    private long statted = -1;

    private NativeDirectoryReader(NativeOpener c, Arena arena, MemorySegment state, MemorySegment dirStream, int fd,
            Path dir, boolean readOnly) throws Throwable {
        this.c = c;
        this.arena = arena;
        this.state = state;
        this.dirStream = dirStream;
        this.fd = fd;
        this.dir = dir;
        this.readOnly = readOnly;
        this.buffer = arena.allocate(BUFFER, 8);
        this.stat = arena.allocate(STATX_SIZE, 8);
        boolean answer = c.overridesPermissions
                && (int) c.statx.invokeExact(fd, arena.allocateFrom(""), AT_EMPTY_PATH, STATX_BASIC_STATS, stat) == 0;
        this.answerAccess = answer;
        this.dev = answer ? dev(stat) : -1;
    }

    private static boolean isLocal(long fileSystemType) {
        for (long known : LOCAL_FILE_SYSTEMS) {
            if (fileSystemType == known) {
                return true;
            }
        }
        return false;
    }

    private static long dev(MemorySegment stat) {
        long major = Integer.toUnsignedLong(stat.get(JAVA_INT, STX_DEV_MAJOR));
        long minor = Integer.toUnsignedLong(stat.get(JAVA_INT, STX_DEV_MINOR));
        return (major & 0xfffff000L) << 32 | (major & 0xfffL) << 8 | (minor & 0xffffff00L) << 12 | minor & 0xffL;
    }

    @Override
    public boolean next() throws IOException {
        while (true) {
            if (current >= 0) {
                at = current + Short.toUnsignedInt(buffer.get(JAVA_SHORT, current + D_RECLEN));
            }
            if (at >= filled) {
                long n;
                try {
                    n = (long) c.getdents64.invokeExact(state, fd, buffer, (long) BUFFER);
                } catch (Throwable t) {
                    throw rethrow(t);
                }
                if (n < 0) {
                    throw exception((int) c.errno.get(state, 0L), dir.toString());
                }
                if (n == 0) {
                    current = -1;
                    filled = 0;
                    at = 0;
                    name = null;
                    path = null;
                    return false;
                }
                filled = n;
                at = 0;
            }
            current = at;
            if (!isDotOrDotDot(current + D_NAME)) {
                name = null;
                path = null;
                return true;
            }
        }
    }

    private boolean isDotOrDotDot(long nameAt) {
        if (buffer.get(JAVA_BYTE, nameAt) != '.') {
            return false;
        }
        byte second = buffer.get(JAVA_BYTE, nameAt + 1);
        return second == 0 || second == '.' && buffer.get(JAVA_BYTE, nameAt + 2) == 0;
    }

    @Override
    public String name() {
        if (name == null) {
            name = buffer.getString(current + D_NAME, c.charset);
        }
        return name;
    }

    @Override
    public Path path() {
        if (path == null) {
            path = dir.resolve(name());
        }
        return path;
    }

    @Override
    public FileInfo info() throws IOException {
        int result;
        try {
            result = (int) c.statx.invokeExact(fd, buffer.asSlice(current + D_NAME), AT_SYMLINK_NOFOLLOW,
                    STATX_BASIC_STATS, stat);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (result != 0) {
            // gone, mostly: java.nio.file says why, with the exception it would have thrown
            return FileInfo.read(path(), false);
        }
        statted = current;
        long seconds = stat.get(JAVA_LONG, STX_MTIME);
        int nanos = stat.get(JAVA_INT, STX_MTIME + 8);
        return new FileInfo(Short.toUnsignedInt(stat.get(JAVA_SHORT, STX_MODE)), stat.get(JAVA_INT, STX_NLINK),
                stat.get(JAVA_INT, STX_UID), stat.get(JAVA_INT, STX_GID), stat.get(JAVA_LONG, STX_SIZE),
                seconds * 1000 + nanos / 1_000_000, dev(stat), stat.get(JAVA_LONG, STX_INO));
    }

    @Override
    public int allowed(int mode) {
        if (answerAccess && statted == current && current >= 0) {
            int fileMode = Short.toUnsignedInt(stat.get(JAVA_SHORT, STX_MODE));
            int type = fileMode & FileInfo.S_IFMT;
            // a link is followed by access(2); another file system mounted here has its own flags
            if (type != FileInfo.S_IFLNK && dev(stat) == dev
                    && (stat.get(JAVA_LONG, STX_ATTRIBUTES_MASK) & STATX_ATTR_IMMUTABLE) != 0) {
                int allowed = mode & READ;
                if ((stat.get(JAVA_LONG, STX_ATTRIBUTES) & STATX_ATTR_IMMUTABLE) == 0
                        && !(readOnly && (type == FileInfo.S_IFREG || type == FileInfo.S_IFDIR))) {
                    allowed |= mode & WRITE;
                }
                if (type == FileInfo.S_IFDIR || (fileMode & 0111) != 0) {
                    allowed |= mode & EXECUTE;
                }
                return allowed;
            }
        }
        // one question answers all when everything is allowed, as it mostly is
        if (faccessat(mode)) {
            return mode;
        }
        int allowed = 0;
        for (int bit = READ; bit != 0; bit >>= 1) {
            if ((mode & bit) != 0 && mode != bit && faccessat(bit)) {
                allowed |= bit;
            }
        }
        return allowed;
    }

    private boolean faccessat(int mode) {
        try {
            return (int) c.faccessat.invokeExact(fd, buffer.asSlice(current + D_NAME), mode, 0) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int ignored = (int) c.closedir.invokeExact(dirStream);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            arena.close();
        }
    }

    private static IOException exception(int error, String path) {
        return switch (error) {
            case ENOENT -> new NoSuchFileException(path);
            case EACCES -> new AccessDeniedException(path);
            case ENOTDIR -> new NotDirectoryException(path);
            default -> new FileSystemException(path, null, "errno " + error);
        };
    }

    private static IOException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IOException(t);
    }
}

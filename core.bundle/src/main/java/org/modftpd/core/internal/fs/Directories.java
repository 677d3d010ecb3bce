package org.modftpd.core.internal.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Opens directories for listing. On Linux with a JDK of release 22 or later the entries are read with
 * getdents64(2) and statx(2)/faccessat(2) relative to the open directory (the bundle is a multi-release
 * jar and {@code NativeDirectoryReader} exists only for release 22 and later); elsewhere, or with
 * {@code -Dmodftpd.nativeDirectories=false}, through java.nio.file.
 */
public final class Directories {

    /** Opens one directory. */
    interface Opener {
        DirectoryReader open(Path dir) throws IOException;
    }

    private static final Opener NIO = NioDirectoryReader::new;
    private static final Opener OPENER = opener();

    private Directories() {
    }

    public static DirectoryReader open(Path dir) throws IOException {
        return OPENER.open(dir);
    }

    /**
     * Which of {@code mode} (a sum of DirectoryReader's READ, WRITE and EXECUTE) the server process
     * may do with a file, asked with access(2) once per bit.
     */
    public static int allowed(Path file, int mode) {
        return ((mode & DirectoryReader.READ) != 0 && Files.isReadable(file) ? DirectoryReader.READ : 0)
                | ((mode & DirectoryReader.WRITE) != 0 && Files.isWritable(file) ? DirectoryReader.WRITE : 0)
                | ((mode & DirectoryReader.EXECUTE) != 0 && Files.isExecutable(file) ? DirectoryReader.EXECUTE : 0);
    }

    /** Whether directories are read natively (false: through java.nio.file). */
    public static boolean isNative() {
        return OPENER != NIO;
    }

    /** A reader on java.nio.file, whatever {@link #open} uses. */
    static DirectoryReader nio(Path dir) throws IOException {
        return NIO.open(dir);
    }

    private static Opener opener() {
        if (!Boolean.parseBoolean(System.getProperty("modftpd.nativeDirectories", "true"))) {
            return NIO;
        }
        try {
            Class<?> type = Class.forName(Directories.class.getPackageName() + ".NativeDirectoryReader$NativeOpener",
                    true, Directories.class.getClassLoader());
            return (Opener) type.getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException older) {
            return NIO;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LoggerFactory.getLogger("modftpd").warn("Directories are read through java.nio.file: {}",
                    e.getCause() != null ? e.getCause().toString() : e.toString());
            return NIO;
        }
    }
}

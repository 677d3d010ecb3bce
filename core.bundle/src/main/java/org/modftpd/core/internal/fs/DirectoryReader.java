package org.modftpd.core.internal.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The entries of one directory, in the order readdir(3) gives them, without {@code .} and {@code ..},
 * each with its lstat(2) details. One reader serves one listing on one thread.
 */
public interface DirectoryReader extends Closeable {

    int READ = 4;
    int WRITE = 2;
    int EXECUTE = 1;

    /** Moves to the next entry; false at the end of the directory. */
    boolean next() throws IOException;

    /** The current entry's name. */
    String name();

    /** The current entry as a path (built when asked for). */
    Path path();

    /** lstat(2) of the current entry; {@link java.nio.file.NoSuchFileException} when it is gone. */
    FileInfo info() throws IOException;

    /**
     * Which of {@code mode} (a sum of {@link #READ}, {@link #WRITE}, {@link #EXECUTE}) the server
     * process may do with the current entry, as access(2) answers each: links are followed.
     */
    int allowed(int mode);
}

package org.modftpd.core.internal.fs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/** A {@link DirectoryReader} on java.nio.file: one Path and one attribute map per entry. */
final class NioDirectoryReader implements DirectoryReader {
    private final DirectoryStream<Path> stream;
    private final Iterator<Path> entries;
    private Path current;
    private String name;

    NioDirectoryReader(Path dir) throws IOException {
        stream = Files.newDirectoryStream(dir);
        entries = stream.iterator();
    }

    @Override
    public boolean next() {
        if (!entries.hasNext()) {
            return false;
        }
        current = entries.next();
        name = FileInfo.name(current);
        return true;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Path path() {
        return current;
    }

    @Override
    public FileInfo info() throws IOException {
        return FileInfo.read(current, false);
    }

    @Override
    public int allowed(int mode) {
        return Directories.allowed(current, mode);
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}

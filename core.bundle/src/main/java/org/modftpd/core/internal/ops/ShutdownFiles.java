package org.modftpd.core.internal.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's view of its shutdown message files, asked at every connection and every second: a
 * file that is absent costs one stat without an exception, one that is present is parsed again only
 * when it changed (ftpshut replaces it by renaming, so its inode changes too).
 */
public final class ShutdownFiles {

    private record Cached(Object stamp, Optional<ShutdownFile> file) {
    }

    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

    public Optional<ShutdownFile> read(Path file) {
        BasicFileAttributes a;
        try {
            a = file.getFileSystem().provider().readAttributesIfExists(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (a == null) {
            cache.remove(file);
            return Optional.empty();
        }
        Object stamp = List.of(a.size(), a.lastModifiedTime().toInstant(), String.valueOf(a.fileKey()));
        Cached cached = cache.get(file);
        if (cached != null && cached.stamp().equals(stamp)) {
            return cached.file();
        }
        Optional<ShutdownFile> parsed = ShutdownFile.read(file);
        cache.put(file, new Cached(stamp, parsed));
        return parsed;
    }
}

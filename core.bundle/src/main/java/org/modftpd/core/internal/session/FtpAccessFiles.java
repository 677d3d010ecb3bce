package org.modftpd.core.internal.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.modftpd.core.internal.config.ConfigBuilder;
import org.modftpd.core.internal.config.ConfigException;
import org.modftpd.core.internal.config.ConfigParser;
import org.modftpd.core.internal.config.ContextNode;
import org.modftpd.core.internal.config.Node;
import org.modftpd.core.internal.dispatch.ModuleTable;

/**
 * The {@code .ftpaccess} files of directories, parsed once and re-read when they change (size, time
 * or inode). A file with errors is reported once per version and ignored.
 */
public final class FtpAccessFiles {

    private record Cached(Object stamp, ContextNode node) {
    }

    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

    /** The context of {@code dir/.ftpaccess}, or null when there is none or it is unusable. */
    public ContextNode read(Path dir, ModuleTable modules, Consumer<String> problems) {
        Path file = dir.resolve(".ftpaccess");
        BasicFileAttributes a;
        try {
            // asked for every directory level of every command: no exception for the usual absence
            a = file.getFileSystem().provider().readAttributesIfExists(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
        if (a == null) {
            cache.remove(file);
            return null;
        }
        if (!a.isRegularFile()) {
            return null;
        }
        Object stamp = List.of(a.size(), a.lastModifiedTime().toMillis(), String.valueOf(a.fileKey()));
        Cached cached = cache.get(file);
        if (cached != null && cached.stamp().equals(stamp)) {
            return cached.node();
        }
        ContextNode node = null;
        try {
            Node.Section parsed = ConfigParser.parseFtpAccess(file);
            node = ConfigBuilder.buildFtpAccess(parsed, modules);
        } catch (ConfigException e) {
            for (String p : e.problems()) {
                problems.accept(p + " (" + file + " ignored)");
            }
        }
        cache.put(file, new Cached(stamp, node));
        return node;
    }

    public void clear() {
        cache.clear();
    }
}

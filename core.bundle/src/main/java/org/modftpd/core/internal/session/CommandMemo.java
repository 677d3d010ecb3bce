package org.modftpd.core.internal.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.modftpd.core.internal.config.ConfigView;
import org.modftpd.core.internal.config.ContextNode;
import org.modftpd.core.internal.fs.JailedFileView;

/**
 * The {@code .ftpaccess} lookups of one command, remembered while it runs. A command asks for the
 * configuration of the same directories several times (the {@code <Limit>} check, the size limits,
 * the filters ...), and each ask used to stat every {@code .ftpaccess} from the jail root down.
 * ProFTPD builds a command's directory configuration once per command too, so a file created between
 * two commands is seen by the second one, exactly as before; within a command the answer is
 * stable. Only the session thread, between {@link #begin(boolean, boolean)} and {@link #end()},
 * uses the memo; other threads (the control watcher answering STAT during a transfer) and code
 * outside a command read the files directly. An upload can create a {@code .ftpaccess}, so {@link #forget()} drops what
 * was remembered after one.
 *
 * <p>A command that only reads (group READ or DIRS) also remembers what it learnt of files with
 * lstat(2), as ProFTPD's stat cache does for a command: the jail walk, the directory checks and
 * RETR then look at each path once.
 *
 * <p>Commands that name no path (PASV, PORT, NOOP, PWD ...) are checked against the configuration of
 * the current directory, which ProFTPD keeps from its last directory check rather than building it
 * for them. So does the memo ({@link #currentDirectory}): that configuration is kept across commands
 * and built again when the directory or the session's configuration changes, when a later command
 * finds one of the {@code .ftpaccess} files it rests on changed, and after a command that may have
 * written files.
 */
final class CommandMemo implements ConfigView.FtpAccess {

    private static final Object NONE = new Object();

    private final ConfigView.FtpAccess files;
    private final Map<Path, Object> nodes = new HashMap<>();
    private final Map<Path, Boolean> directories = new HashMap<>();
    private final Map<Path, BasicFileAttributes> links = new HashMap<>();
    private final Map<Path, ConfigView> views = new HashMap<>();
    private ConfigView viewsOf;
    private Thread owner;
    private int depth;
    private boolean readOnly;
    private boolean writes;
    private Kept kept;

    /** The configuration of a current directory and the {@code .ftpaccess} answers it was built from. */
    private record Kept(ConfigView base, Path directory, ConfigView view, Map<Path, Object> ftpAccess) {
    }

    CommandMemo(ConfigView.FtpAccess files) {
        this.files = files;
    }

    /**
     * A command starts on the calling (session) thread; nested commands (SITE) share the memo. With
     * {@code readOnly} the command's file attributes are remembered too; a command that {@code writes}
     * (or may: WRITE group, SITE) drops the configuration kept for the current directory when it ends.
     */
    void begin(boolean readOnly, boolean writes) {
        if (depth++ == 0) {
            owner = Thread.currentThread();
            this.readOnly = readOnly;
            this.writes = writes;
        }
    }

    /** The command is done: nothing but the current directory's configuration is remembered beyond it. */
    void end() {
        if (--depth == 0) {
            if (writes) {
                kept = null;
            }
            owner = null;
            readOnly = false;
            writes = false;
            dropCommand();
        }
    }

    /** Drops what was remembered (after the command changed files). */
    void forget() {
        if (owner == null || owner == Thread.currentThread()) {
            kept = null;
            dropCommand();
        }
    }

    private void dropCommand() {
        nodes.clear();
        directories.clear();
        links.clear();
        views.clear();
        viewsOf = null;
    }

    /**
     * The configuration of the current directory for a command that names no path: the one kept from
     * an earlier command while it still holds (see the class comment), else built now and kept.
     */
    ConfigView currentDirectory(ConfigView base, Path directory) {
        if (!active()) {
            return base.forPath(directory);
        }
        Kept k = kept;
        if (k != null && k.base() == base && k.directory().equals(directory)) {
            return k.view();
        }
        ConfigView view = base.forPath(directory);
        Map<Path, Object> seen = new HashMap<>();
        for (Path p = directory; p != null; p = p.getParent()) {
            Object answer = nodes.get(p);
            if (answer != null) {
                seen.put(p, answer);
            }
        }
        kept = new Kept(base, directory, view, Map.copyOf(seen));
        return view;
    }

    private boolean active() {
        return owner != null && owner == Thread.currentThread();
    }

    @Override
    public ContextNode read(Path directory) {
        if (!active()) {
            return files.read(directory);
        }
        Object known = nodes.get(directory);
        if (known == null) {
            ContextNode node = files.read(directory);
            Object answer = node == null ? NONE : node;
            nodes.put(directory, answer);
            Kept k = kept;
            if (k != null) {
                Object before = k.ftpAccess().get(directory);
                if (before != null && before != answer) {
                    kept = null; // a .ftpaccess of the current directory's configuration changed
                }
            }
            return node;
        }
        return known == NONE ? null : (ContextNode) known;
    }

    @Override
    public boolean isDirectory(Path path) {
        if (!active()) {
            return Files.isDirectory(path);
        }
        Boolean known = directories.get(path);
        if (known == null) {
            if (readOnly) {
                // what lstat cannot reach, stat cannot either (they differ in the last link only)
                BasicFileAttributes a = lstat(path);
                known = a != null && (a.isSymbolicLink() ? Files.isDirectory(path) : a.isDirectory());
            } else {
                known = Files.isDirectory(path);
            }
            directories.put(path, known);
        }
        return known;
    }

    /** The views of the first configuration the command asks about are remembered (they rest on the above). */
    @Override
    public ConfigView view(ConfigView base, Path path, Function<Path, ConfigView> compute) {
        if (!active() || viewsOf != null && viewsOf != base) {
            return compute.apply(path);
        }
        viewsOf = base;
        ConfigView view = views.get(path);
        if (view == null) {
            view = compute.apply(path);
            views.put(path, view);
        }
        return view;
    }

    /** The attributes of a path itself (a link is not followed), or null when they cannot be read. */
    BasicFileAttributes lstat(Path path) {
        boolean remember = readOnly && active();
        BasicFileAttributes a = remember ? links.get(path) : null;
        if (a == null) {
            a = JailedFileView.lstat(path);
            if (remember && a != null) {
                links.put(path, a);
            }
        }
        return a;
    }

    /** The attributes of what a path leads to (as stat(2)); fails as {@link Files#readAttributes} does. */
    BasicFileAttributes stat(Path path) throws IOException {
        BasicFileAttributes a = readOnly && active() ? links.get(path) : null;
        return a != null && !a.isSymbolicLink() ? a : Files.readAttributes(path, BasicFileAttributes.class);
    }
}

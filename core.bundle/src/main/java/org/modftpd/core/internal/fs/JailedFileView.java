package org.modftpd.core.internal.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.modftpd.api.FileView;

/**
 * The one place where a client's path becomes a real path. It behaves as a chrooted process does:
 * {@code ..} stops at the root, and a symbolic link is followed as if the root were {@code /}
 * (an absolute target starts again at the root, a relative one cannot climb above it). Whatever
 * the client sends, the result lies under the root.
 */
public final class JailedFileView implements FileView {

    private static final int MAX_LINKS = 40;

    /** How the walk looks at a path without following a link; null when it cannot be read. */
    @FunctionalInterface
    public interface Lstat {
        BasicFileAttributes of(Path path);
    }

    private final Path root;
    private final Lstat lstat;
    private final String homeVirtual;
    private volatile String cwd;

    /**
     * @param root        the real directory that the client sees as {@code /}
     * @param homeVirtual the home directory as the client sees it ({@code ~} expands to it)
     * @param cwd         the starting directory as the client sees it
     */
    public JailedFileView(Path root, String homeVirtual, String cwd) {
        this(root, homeVirtual, cwd, JailedFileView::lstat);
    }

    /** @param lstat how the walk looks at each component (the session remembers answers within a command) */
    public JailedFileView(Path root, String homeVirtual, String cwd, Lstat lstat) {
        this.root = root;
        this.lstat = lstat;
        this.homeVirtual = homeVirtual;
        this.cwd = cwd;
    }

    /** A view for a session that is not logged in: nothing resolves. */
    public static FileView none() {
        return new FileView() {
            @Override
            public String cwd() {
                return "/";
            }

            @Override
            public String absolute(String clientPath) {
                return normalize("/", clientPath);
            }

            @Override
            public Path resolve(String clientPath) throws NoSuchFileException {
                throw new NoSuchFileException(clientPath);
            }

            @Override
            public String clientPath(Path realPath) {
                return realPath.toString();
            }

            @Override
            public Path root() {
                throw new IllegalStateException("not logged in");
            }
        };
    }

    @Override
    public String cwd() {
        return cwd;
    }

    /** Changes the current directory (the caller has checked that the target is a directory). */
    public void changeDirectory(String virtualPath) {
        this.cwd = virtualPath;
    }

    @Override
    public Path root() {
        return root;
    }

    public String home() {
        return homeVirtual;
    }

    @Override
    public String absolute(String clientPath) {
        String p = clientPath;
        if (p.equals("~")) {
            p = homeVirtual;
        } else if (p.startsWith("~/")) {
            p = homeVirtual + p.substring(1);
        }
        return normalize(cwd, p);
    }

    /** Makes a path absolute against {@code cwd} and removes {@code .}, {@code ..} and repeated slashes. */
    public static String normalize(String cwd, String clientPath) {
        String p = clientPath.startsWith("/") ? clientPath : cwd + "/" + clientPath;
        if (isNormal(p)) {
            return p;
        }
        StringBuilder out = new StringBuilder(p.length());
        int n = p.length();
        int i = 0;
        while (i < n) {
            int end = p.indexOf('/', i);
            if (end < 0) {
                end = n;
            }
            int len = end - i;
            if (len == 0 || (len == 1 && p.charAt(i) == '.')) {
                // empty or "."
            } else if (len == 2 && p.charAt(i) == '.' && p.charAt(i + 1) == '.') {
                int cut = out.lastIndexOf("/");
                out.setLength(Math.max(cut, 0));
            } else {
                out.append('/').append(p, i, end);
            }
            i = end + 1;
        }
        return out.isEmpty() ? "/" : out.toString();
    }

    /** Already absolute and normal: no empty, {@code .} or {@code ..} component, no trailing slash. */
    private static boolean isNormal(String p) {
        int n = p.length();
        if (n == 0 || p.charAt(0) != '/') {
            return false;
        }
        if (n == 1) {
            return true;
        }
        if (p.charAt(n - 1) == '/') {
            return false;
        }
        int start = 1;
        for (int i = 1; i <= n; i++) {
            if (i == n || p.charAt(i) == '/') {
                int len = i - start;
                if (len == 0 || (len == 1 && p.charAt(start) == '.')
                        || (len == 2 && p.charAt(start) == '.' && p.charAt(start + 1) == '.')) {
                    return false;
                }
                start = i + 1;
            }
        }
        return true;
    }

    @Override
    public Path resolve(String clientPath) throws NoSuchFileException {
        return resolve(clientPath, false);
    }

    /** Like {@link #resolve(String)}; with {@code followLast} a link in the last component is followed too. */
    public Path resolve(String clientPath, boolean followLast) throws NoSuchFileException {
        if (clientPath.indexOf('\0') >= 0) {
            throw new NoSuchFileException(clientPath);
        }
        String virtual = absolute(clientPath);
        try {
            return walk(virtual, followLast, clientPath);
        } catch (InvalidPathException e) {
            throw new NoSuchFileException(clientPath);
        }
    }

    private Path walk(String virtual, boolean followLast, String clientPath) throws NoSuchFileException {
        List<String> todo = split(virtual);
        List<String> done = new ArrayList<>(todo.size());
        Path current = root;
        int links = 0;
        int i = 0;
        while (i < todo.size()) {
            String component = todo.get(i);
            Path candidate = current.resolve(component);
            boolean last = i == todo.size() - 1;
            BasicFileAttributes a = !last || followLast ? lstat.of(candidate) : null;
            if (a != null && a.isSymbolicLink()) {
                if (++links > MAX_LINKS) {
                    throw new NoSuchFileException(clientPath, null, "Too many levels of symbolic links");
                }
                String target;
                try {
                    target = Files.readSymbolicLink(candidate).toString();
                } catch (IOException e) {
                    throw new NoSuchFileException(clientPath);
                }
                String base = target.startsWith("/") ? "/" : "/" + String.join("/", done);
                List<String> rest = todo.subList(i + 1, todo.size());
                String rewritten = normalize(base, target) + (rest.isEmpty() ? "" : "/" + String.join("/", rest));
                todo = split(normalize("/", rewritten));
                done.clear();
                current = root;
                i = 0;
                continue;
            }
            done.add(component);
            current = candidate;
            i++;
        }
        return current;
    }

    /** lstat(2) of a path through java.nio.file, or null when it cannot be read. */
    public static BasicFileAttributes lstat(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    private static List<String> split(String virtual) {
        List<String> parts = new ArrayList<>();
        int n = virtual.length();
        int i = 0;
        while (i < n) {
            int end = virtual.indexOf('/', i);
            if (end < 0) {
                end = n;
            }
            if (end > i) {
                parts.add(virtual.substring(i, end));
            }
            i = end + 1;
        }
        return parts;
    }

    /**
     * Where a real path under the root leads once every symbolic link in it, the last one included,
     * is followed inside the jail: what stat(2) would look at in a chrooted process.
     */
    public Path follow(Path realPath) throws NoSuchFileException {
        return resolve(clientPath(realPath), true);
    }

    @Override
    public String clientPath(Path realPath) {
        Path normalized = realPath.toAbsolutePath().normalize();
        if (!normalized.startsWith(root)) {
            return normalized.toString();
        }
        Path rel = root.relativize(normalized);
        String s = rel.toString();
        return s.isEmpty() ? "/" : "/" + s;
    }
}

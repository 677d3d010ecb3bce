package org.modftpd.core.internal.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/** What listings need to know of one file, read with one system call (lstat, or stat when following). */
public record FileInfo(int mode, int nlink, int uid, int gid, long size, long mtimeMillis, long dev, long ino) {

    private static final String ATTRIBUTES = "unix:mode,nlink,uid,gid,size,lastModifiedTime,dev,ino";
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final LinkOption[] FOLLOW = {};

    public static final int S_IFMT = 0170000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;

    public static FileInfo read(Path p, boolean follow) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, ATTRIBUTES, follow ? FOLLOW : NOFOLLOW);
        return new FileInfo((Integer) a.get("mode"), (Integer) a.get("nlink"), (Integer) a.get("uid"),
                (Integer) a.get("gid"), (Long) a.get("size"), ((FileTime) a.get("lastModifiedTime")).toMillis(),
                (Long) a.get("dev"), (Long) a.get("ino"));
    }

    /**
     * The name of a directory entry (its path's last component), without building a Path for it as
     * {@code getFileName()} does.
     */
    public static String name(Path entry) {
        String full = entry.toString();
        return full.substring(full.lastIndexOf('/') + 1);
    }

    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public boolean isLink() {
        return (mode & S_IFMT) == S_IFLNK;
    }

    public boolean isRegular() {
        return (mode & S_IFMT) == S_IFREG;
    }

    /** {@code drwxr-xr-x}, with setuid, setgid and sticky bits as ls shows them. */
    public String permissionString() {
        return permissionString(mode);
    }

    /** {@code drwxr-xr-x} for a {@code st_mode}, with setuid, setgid and sticky bits as ls shows them. */
    public static String permissionString(int mode) {
        char[] p = new char[10];
        p[0] = switch (mode & S_IFMT) {
            case S_IFDIR -> 'd';
            case S_IFLNK -> 'l';
            case 0010000 -> 'p';
            case 0140000 -> 's';
            case 0060000 -> 'b';
            case 0020000 -> 'c';
            default -> '-';
        };
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            p[i + 1] = (mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-';
        }
        if ((mode & 04000) != 0) {
            p[3] = p[3] == 'x' ? 's' : 'S';
        }
        if ((mode & 02000) != 0) {
            p[6] = p[6] == 'x' ? 's' : 'S';
        }
        if ((mode & 01000) != 0) {
            p[9] = p[9] == 'x' ? 't' : 'T';
        }
        return new String(p);
    }
}

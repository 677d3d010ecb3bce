package org.modftpd.mod_auth_file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads passwd(5) and group(5) style files. A malformed line is reported with file and line and
 * skipped; the rest of the file still counts.
 */
final class AuthFiles {

    /** One passwd line. */
    record PasswdEntry(String name, String hash, long uid, long gid, String gecos, String home, String shell) {
    }

    /** One group line. */
    record GroupEntry(String name, long gid, List<String> members) {
    }

    /** A parsed file and the stamp it was read at. */
    record Parsed<T>(Map<String, T> byName, List<T> all, Object stamp) {
    }

    private AuthFiles() {
    }

    /** Identifies a version of a file: a change of size, time or inode means re-read. */
    static Object stamp(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return List.of(a.size(), a.lastModifiedTime().toMillis(), String.valueOf(a.fileKey()));
    }

    /**
     * Refuses a file others may write (or read, for the password file), or whose directory others
     * may write, unless {@code insecure} (AuthFileOptions InsecurePerms).
     *
     * @return the reason it is refused, or null
     */
    static String insecure(Path file, boolean checkReadable) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.OTHERS_WRITE)) {
                return "is world-writable";
            }
            if (checkReadable && p.contains(PosixFilePermission.OTHERS_READ)) {
                return "is world-readable";
            }
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Set<PosixFilePermission> d = Files.getPosixFilePermissions(parent, LinkOption.NOFOLLOW_LINKS);
                if (d.contains(PosixFilePermission.OTHERS_WRITE)) {
                    return "is in a world-writable directory";
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        return null;
    }

    /**
     * The lines of a file read as UTF-8; a byte sequence that is not UTF-8 becomes U+FFFD in its
     * field instead of making the whole file unreadable.
     */
    private static List<String> lines(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
    }

    static Parsed<PasswdEntry> readPasswd(Path file, Consumer<String> problems) throws IOException {
        Object stamp = stamp(file);
        Map<String, PasswdEntry> byName = new LinkedHashMap<>();
        List<PasswdEntry> all = new ArrayList<>();
        int lineNo = 0;
        for (String line : lines(file)) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(":", -1);
            String where = file + ":" + lineNo + ": ";
            if (f.length != 7) {
                problems.accept(where + "malformed entry (expected 7 fields, found " + f.length + "), skipped");
                continue;
            }
            if (f[0].isEmpty()) {
                problems.accept(where + "empty user name, skipped");
                continue;
            }
            long uid;
            long gid;
            try {
                uid = Long.parseLong(f[2]);
                gid = Long.parseLong(f[3]);
            } catch (NumberFormatException e) {
                problems.accept(where + "bad uid or gid for user " + f[0] + ", skipped");
                continue;
            }
            if (uid < 0 || gid < 0) {
                problems.accept(where + "negative uid or gid for user " + f[0] + ", skipped");
                continue;
            }
            if (!f[5].startsWith("/")) {
                problems.accept(where + "home of user " + f[0] + " is not an absolute path, skipped");
                continue;
            }
            PasswdEntry e = new PasswdEntry(f[0], f[1], uid, gid, f[4], f[5], f[6]);
            if (byName.putIfAbsent(e.name(), e) != null) {
                problems.accept(where + "duplicate user " + f[0] + ", the first entry counts");
                continue;
            }
            all.add(e);
        }
        return new Parsed<>(byName, all, stamp);
    }

    static Parsed<GroupEntry> readGroups(Path file, Consumer<String> problems) throws IOException {
        Object stamp = stamp(file);
        Map<String, GroupEntry> byName = new LinkedHashMap<>();
        List<GroupEntry> all = new ArrayList<>();
        int lineNo = 0;
        for (String line : lines(file)) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(":", -1);
            String where = file + ":" + lineNo + ": ";
            if (f.length != 4) {
                problems.accept(where + "malformed entry (expected 4 fields, found " + f.length + "), skipped");
                continue;
            }
            if (f[0].isEmpty()) {
                problems.accept(where + "empty group name, skipped");
                continue;
            }
            long gid;
            try {
                gid = Long.parseLong(f[2]);
            } catch (NumberFormatException e) {
                problems.accept(where + "bad gid for group " + f[0] + ", skipped");
                continue;
            }
            if (gid < 0) {
                problems.accept(where + "negative gid for group " + f[0] + ", skipped");
                continue;
            }
            List<String> members = new ArrayList<>();
            for (String m : f[3].split(",")) {
                if (!m.isBlank()) {
                    members.add(m.strip());
                }
            }
            GroupEntry g = new GroupEntry(f[0], gid, List.copyOf(members));
            if (byName.putIfAbsent(g.name(), g) != null) {
                problems.accept(where + "duplicate group " + f[0] + ", the first entry counts");
                continue;
            }
            all.add(g);
        }
        return new Parsed<>(byName, all, stamp);
    }
}

package org.modftpd.core.internal.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** User and group names of file owners, looked up once per id for one listing (one thread). */
public final class Names {
    private final Map<Integer, String> users = new HashMap<>();
    private final Map<Integer, String> groups = new HashMap<>();
    // the last id asked for: most entries of a directory share their owner and group
    private int lastUid;
    private String lastUser;
    private int lastGid;
    private String lastGroup;

    public String user(int uid, Supplier<Path> sample) {
        if (lastUser == null || uid != lastUid) {
            lastUser = users.computeIfAbsent(uid, u -> lookup(sample, true, u));
            lastUid = uid;
        }
        return lastUser;
    }

    public String group(int gid, Supplier<Path> sample) {
        if (lastGroup == null || gid != lastGid) {
            lastGroup = groups.computeIfAbsent(gid, g -> lookup(sample, false, g));
            lastGid = gid;
        }
        return lastGroup;
    }

    private static String lookup(Supplier<Path> sample, boolean user, int id) {
        try {
            PosixFileAttributes a = Files.readAttributes(sample.get(), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String name = user ? a.owner().getName() : a.group().getName();
            return name == null || name.isEmpty() ? Integer.toString(id) : name;
        } catch (IOException | UnsupportedOperationException e) {
            return Integer.toString(id);
        }
    }
}

package org.modftpd.core.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modftpd.api.ContextKind;
import org.modftpd.core.internal.config.ContextNode;
import org.modftpd.core.internal.config.Location;

class CommandMemoTest {

    @TempDir
    Path tmp;

    /** A reader whose answers the test changes, counting how often it is asked. */
    private final Map<Path, ContextNode> present = new HashMap<>();
    private final AtomicInteger reads = new AtomicInteger();
    private final CommandMemo memo = new CommandMemo(dir -> {
        reads.incrementAndGet();
        return present.get(dir);
    });

    private static ContextNode node() {
        return new ContextNode.Builder(ContextKind.FTPACCESS, ".ftpaccess", List.of(), new Location("x", 1)).build();
    }

    @Test
    void remembersWithinACommandOnly() {
        Path dir = tmp.resolve("d");
        memo.begin(false, false);
        assertNull(memo.read(dir));
        assertNull(memo.read(dir));
        assertEquals(1, reads.get());
        memo.end();
        // a .ftpaccess that appears after the directory was visited counts for the next command
        ContextNode n = node();
        present.put(dir, n);
        memo.begin(false, false);
        assertSame(n, memo.read(dir));
        assertSame(n, memo.read(dir));
        assertEquals(2, reads.get());
        memo.end();
        present.remove(dir);
        memo.begin(false, false);
        assertNull(memo.read(dir));
        memo.end();
        assertEquals(3, reads.get());
    }

    @Test
    void outsideACommandEveryLookupReads() {
        Path dir = tmp.resolve("d");
        memo.read(dir);
        memo.read(dir);
        assertEquals(2, reads.get());
    }

    @Test
    void nestedCommandsShareTheMemoAndForgetDropsIt() {
        Path dir = tmp.resolve("d");
        memo.begin(false, false);
        memo.read(dir);
        memo.begin(false, false); // SITE ... dispatching its subcommand
        memo.read(dir);
        memo.end();
        memo.read(dir);
        assertEquals(1, reads.get());
        present.put(dir, node());
        memo.forget(); // after an upload
        assertSame(present.get(dir), memo.read(dir));
        memo.end();
        assertEquals(2, reads.get());
    }

    @Test
    void otherThreadsAlwaysRead() throws Exception {
        Path dir = tmp.resolve("d");
        memo.begin(false, false);
        memo.read(dir);
        AtomicReference<ContextNode> seen = new AtomicReference<>(node());
        present.put(dir, node());
        Thread t = Thread.ofVirtual().start(() -> seen.set(memo.read(dir)));
        t.join();
        assertSame(present.get(dir), seen.get());
        assertNull(memo.read(dir)); // the command itself keeps its first answer
        memo.end();
        assertEquals(2, reads.get());
    }

    @Test
    void directoriesAreRememberedWithinACommand() throws Exception {
        Path p = tmp.resolve("p");
        memo.begin(false, false);
        assertFalse(memo.isDirectory(p));
        Files.createDirectory(p);
        assertFalse(memo.isDirectory(p));
        memo.end();
        memo.begin(false, false);
        assertTrue(memo.isDirectory(p));
        memo.end();
    }

    @Test
    void aReadingCommandLooksAtEachFileOnce() throws Exception {
        Path f = Files.writeString(tmp.resolve("f"), "one");
        memo.begin(true, false);
        assertEquals(3, memo.lstat(f).size());
        Files.writeString(f, "three");
        assertEquals(3, memo.lstat(f).size());
        assertEquals(3, memo.stat(f).size());
        memo.end();
        memo.begin(true, false);
        assertEquals(5, memo.stat(f).size());
        assertEquals(5, memo.lstat(f).size());
        memo.end();
        // other commands (they may change files) and code outside commands always look
        memo.begin(false, false);
        assertEquals(5, memo.lstat(f).size());
        Files.writeString(f, "x");
        assertEquals(1, memo.lstat(f).size());
        memo.end();
        assertEquals(1, memo.stat(f).size());
    }

    @Test
    void aRememberedLinkIsFollowedAndAMissingFileIsNotRemembered() throws Exception {
        Path target = Files.writeString(tmp.resolve("target"), "12345");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        Path later = tmp.resolve("later");
        memo.begin(true, false);
        assertTrue(memo.lstat(link).isSymbolicLink());
        assertTrue(memo.stat(link).isRegularFile());
        assertEquals(5, memo.stat(link).size());
        assertNull(memo.lstat(later));
        Files.createDirectory(later);
        assertTrue(memo.lstat(later).isDirectory());
        memo.end();
    }

    @Test
    void theViewsOfOneConfigurationAreRememberedWithinACommand() throws Exception {
        org.modftpd.core.internal.config.Configuration c =
                org.modftpd.core.internal.config.TestConfigs.build("ServerName x\n");
        org.modftpd.core.internal.config.ConfigView base = org.modftpd.core.internal.config.TestConfigs.mainView(c);
        org.modftpd.core.internal.config.ConfigView other = base.withHome("/home/x");
        Path p = tmp.resolve("p");
        AtomicInteger computed = new AtomicInteger();
        java.util.function.Function<Path, org.modftpd.core.internal.config.ConfigView> compute = path -> {
            computed.incrementAndGet();
            return base;
        };
        memo.begin(false, false);
        memo.view(base, p, compute);
        memo.view(base, p, compute);
        assertEquals(1, computed.get());
        memo.view(other, p, compute); // another configuration (an overlay came in): not mixed up
        memo.view(other, p, compute);
        assertEquals(3, computed.get());
        memo.forget(); // an upload
        memo.view(base, p, compute);
        assertEquals(4, computed.get());
        memo.end();
        memo.begin(false, false);
        memo.view(base, p, compute);
        memo.end();
        memo.view(base, p, compute);
        assertEquals(6, computed.get());
    }

    /** A session's view whose .ftpaccess lookups go through the memo, jailed in the test's folder. */
    private org.modftpd.core.internal.config.ConfigView sessionView() throws Exception {
        org.modftpd.core.internal.config.Configuration c =
                org.modftpd.core.internal.config.TestConfigs.build("ServerName x\n");
        org.modftpd.core.internal.config.ConfigView top = org.modftpd.core.internal.config.TestConfigs.mainView(c);
        return org.modftpd.core.internal.config.ConfigView.of(c, top.server(), null,
                new org.modftpd.core.internal.config.ConfigView.Paths(null, u -> null, null, tmp, memo));
    }

    /** One command that names no path (PASV, say), asking for the current directory's configuration. */
    private org.modftpd.core.internal.config.ConfigView pathless(org.modftpd.core.internal.config.ConfigView base,
            Path here) {
        memo.begin(false, false);
        try {
            return memo.currentDirectory(base, here);
        } finally {
            memo.end();
        }
    }

    @Test
    void theCurrentDirectoryConfigurationIsKeptAcrossCommandsThatNameNoPath() throws Exception {
        var base = sessionView();
        Path here = Files.createDirectory(tmp.resolve("here"));
        var first = pathless(base, here);
        assertEquals(2, reads.get()); // here/.ftpaccess and the jail root's
        assertSame(first, pathless(base, here));
        assertSame(first, pathless(base, here));
        assertEquals(2, reads.get());
        // a reading command that finds the same files keeps it
        memo.begin(true, false);
        memo.read(here);
        memo.end();
        assertSame(first, pathless(base, here));
        assertEquals(3, reads.get());
        // outside a command nothing is kept or used
        memo.currentDirectory(base, here);
        assertEquals(5, reads.get());
    }

    @Test
    void theCurrentDirectoryConfigurationIsBuiltAgainWhenItMayHaveChanged() throws Exception {
        var base = sessionView();
        Path here = Files.createDirectory(tmp.resolve("here"));
        Path other = Files.createDirectory(tmp.resolve("other"));
        pathless(base, here);
        // another directory (CWD), then back
        pathless(base, other);
        pathless(base, here);
        assertEquals(6, reads.get());
        // another configuration of the session (an overlay after login)
        var overlaid = base.withHome("/home/x");
        pathless(overlaid, here);
        assertEquals(8, reads.get());
        pathless(base, here);
        assertEquals(10, reads.get());
        // a later command looks at the directory and finds a .ftpaccess that was not there
        ContextNode added = node();
        present.put(here, added);
        memo.begin(true, false);
        assertSame(added, memo.read(here));
        memo.end();
        var changed = pathless(base, here);
        assertTrue(changed.chain().contains(added), "the new .ftpaccess is part of the configuration");
        assertEquals(13, reads.get());
        assertSame(changed, pathless(base, here));
        // a command that may write (STOR, DELE, SITE ...) drops it when it ends
        memo.begin(false, true);
        memo.end();
        assertTrue(pathless(base, here) != changed);
        assertEquals(15, reads.get());
        // and so does an upload within a command
        var kept = pathless(base, here);
        memo.begin(false, false);
        memo.forget();
        memo.end();
        assertTrue(pathless(base, here) != kept);
        assertEquals(17, reads.get());
    }
}

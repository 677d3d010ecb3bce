package org.modftpd.core.internal.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JailedFileViewTest {

    @TempDir
    Path tmp;

    private Path root;

    @BeforeEach
    void createJail() throws IOException {
        root = Files.createDirectories(tmp.resolve("jail"));
        Files.createDirectories(root.resolve("home/alice/docs"));
        Files.createDirectories(root.resolve("pub/a/b"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(tmp.resolve("outside/secret"), "secret");
    }

    private JailedFileView view(String cwd) {
        return new JailedFileView(root, "/home/alice", cwd);
    }

    private Path link(String name, String target) throws IOException {
        return Files.createSymbolicLink(root.resolve(name), Path.of(target));
    }

    // ------------------------------------------------------------------ normalize and absolute

    @Test
    void normalizeJoinsWithTheCwdAndRemovesDotsAndSlashes() {
        assertEquals("/a/b/c", JailedFileView.normalize("/a/b", "c"));
        assertEquals("/a/c", JailedFileView.normalize("/a/b", "../c"));
        assertEquals("/a", JailedFileView.normalize("/a/b", ".."));
        assertEquals("/a", JailedFileView.normalize("/a", "."));
        assertEquals("/x/y/z", JailedFileView.normalize("/a", "/x/./y//z/"));
        assertEquals("/a/b", JailedFileView.normalize("/a/b", ""));
        assertEquals("/", JailedFileView.normalize("/", ""));
        assertEquals("/a/b/.../..x/.y", JailedFileView.normalize("/a", "b/.../..x/.y"));
        assertEquals("/a/b", JailedFileView.normalize("/a/b/", "."));
        assertEquals("/a", JailedFileView.normalize("//a//", ""));
        assertEquals("/a b/c", JailedFileView.normalize("/", "a b/c"));
        assertEquals("/", JailedFileView.normalize("/a", ".."));
        assertEquals("/b", JailedFileView.normalize("/a", "/a/../b/."));
    }

    @Test
    void dotDotStopsAtTheRoot() {
        assertEquals("/", JailedFileView.normalize("/", "../../.."));
        assertEquals("/etc/passwd", JailedFileView.normalize("/pub/a", "../../../../../etc/passwd"));
        assertEquals("/etc", JailedFileView.normalize("/", "/../../etc"));
    }

    @Test
    void tildeExpandsToTheHome() {
        JailedFileView v = view("/pub");
        assertEquals("/home/alice", v.absolute("~"));
        assertEquals("/home/alice/docs", v.absolute("~/docs"));
        assertEquals("/pub/~bob", v.absolute("~bob"));
        assertEquals("/pub/x~", v.absolute("x~"));
    }

    // ------------------------------------------------------------------ resolve

    @Test
    void relativeAndAbsoluteClientPathsStayInside() throws IOException {
        JailedFileView v = view("/pub/a");
        assertEquals(root.resolve("pub/a/b"), v.resolve("b"));
        assertEquals(root.resolve("etc/passwd"), v.resolve("../../../../etc/passwd"));
        assertEquals(root.resolve("etc/passwd"), v.resolve("/etc/passwd"));
        assertEquals(root, v.resolve("/"));
        assertEquals(root, v.resolve("/.."));
        assertEquals(root.resolve("home/alice/docs"), v.resolve("~/docs"));
    }

    @Test
    void percentEncodingAndBackslashesAreLiteralNames() throws IOException {
        JailedFileView v = view("/pub");
        assertEquals(root.resolve("pub/%2e%2e"), v.resolve("%2e%2e"));
        assertEquals(root.resolve("pub/%2e%2e/%2e%2e/etc"), v.resolve("%2e%2e/%2e%2e/etc"));
        assertEquals(root.resolve("pub").resolve("..\\..\\etc"), v.resolve("..\\..\\etc"));
    }

    @Test
    void nulInANameIsNoSuchFile() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> view("/").resolve("a\0/../../b"));
        assertEquals("a\0/../../b", e.getFile());
    }

    @Test
    void relativeSymlinkThatClimbsOutStopsAtTheRoot() throws IOException {
        Files.createSymbolicLink(root.resolve("pub/a/b/up"), Path.of("../../../../../../../outside"));
        JailedFileView v = view("/");
        assertEquals(root.resolve("outside/secret"), v.resolve("/pub/a/b/up/secret"));
        assertEquals(root.resolve("outside"), v.resolve("/pub/a/b/up", true));
    }

    @Test
    void relativeSymlinkInsideResolvesAgainstItsDirectory() throws IOException {
        Files.createSymbolicLink(root.resolve("pub/a/b/sib"), Path.of("../sibling"));
        assertEquals(root.resolve("pub/a/sibling/f"), view("/").resolve("/pub/a/b/sib/f"));
        Files.createSymbolicLink(root.resolve("pub/a/dot"), Path.of("."));
        assertEquals(root.resolve("pub/a/b"), view("/").resolve("/pub/a/dot/dot/b"));
    }

    @Test
    void absoluteSymlinkIsReRootedAtTheJail() throws IOException {
        link("abs", tmp.resolve("outside").toString());
        JailedFileView v = view("/");
        Path expected = root;
        for (Path part : tmp.resolve("outside")) {
            expected = expected.resolve(part.toString());
        }
        assertEquals(expected.resolve("secret"), v.resolve("/abs/secret"));
        assertTrue(v.resolve("/abs/secret").startsWith(root));
        link("etclink", "/etc");
        assertEquals(root.resolve("etc/passwd"), v.resolve("/etclink/passwd"));
    }

    @Test
    void lastComponentLinkIsFollowedOnlyOnRequest() throws IOException {
        link("etclink", "/etc");
        JailedFileView v = view("/");
        assertEquals(root.resolve("etclink"), v.resolve("/etclink"));
        assertEquals(root.resolve("etc"), v.resolve("/etclink", true));
    }

    @Test
    void chainsOfLinksAreFollowed() throws IOException {
        link("l1", "l2");
        link("l2", "/pub/l3");
        Files.createSymbolicLink(root.resolve("pub/l3"), Path.of("a"));
        assertEquals(root.resolve("pub/a/b"), view("/").resolve("/l1/b"));
    }

    @Test
    void danglingLinkResolvesToItsTargetInsideTheJail() throws IOException {
        link("dangling", "/nonexistent/dir");
        assertEquals(root.resolve("nonexistent/dir/x"), view("/").resolve("/dangling/x"));
    }

    @Test
    void symlinkLoopIsNoSuchFile() throws IOException {
        link("loop1", "loop2");
        link("loop2", "loop1");
        link("self", "self");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> view("/").resolve("/loop1/x"));
        assertEquals("/loop1/x", e.getFile());
        assertEquals("Too many levels of symbolic links", e.getReason());
        assertThrows(NoSuchFileException.class, () -> view("/").resolve("self", true));
        assertEquals(root.resolve("self"), view("/").resolve("self"));
    }

    @Test
    void trickyPathsNeverLeaveTheRoot() throws IOException {
        link("abs", tmp.resolve("outside").toString());
        link("up", "..");
        Files.createSymbolicLink(root.resolve("pub/deep"), Path.of("../../../.."));
        JailedFileView v = view("/pub/a");
        String[] tricks = {"..", "../..", "/../..", "~/../../..", "up/up/up", "/up/../up/x", "/pub/deep/x",
            "/pub/deep/../../x", "abs/../../..", "/abs/../../../..", "./././../", "//..//..//", "/pub/a/b/../../../.."};
        for (String t : tricks) {
            Path p = v.resolve(t, true);
            assertTrue(p.startsWith(root), t + " -> " + p);
            assertTrue(p.normalize().startsWith(root), t + " -> " + p);
        }
        assertEquals(root.resolve("x"), v.resolve("/up/x"));
        assertEquals(root.resolve("x"), v.resolve("/pub/deep/x"));
    }

    // ------------------------------------------------------------------ clientPath

    @Test
    void clientPathOfPathsInsideTheRoot() throws IOException {
        JailedFileView v = view("/");
        assertEquals("/", v.clientPath(root));
        assertEquals("/pub/a", v.clientPath(root.resolve("pub/a")));
        assertEquals("/pub", v.clientPath(root.resolve("pub/a/..")));
        assertEquals("/pub/a/b", v.clientPath(v.resolve("/pub/a/b")));
    }

    @Test
    void cwdChangesAndRootIsKept() {
        JailedFileView v = view("/");
        v.changeDirectory("/pub/a");
        assertEquals("/pub/a", v.cwd());
        assertEquals("/pub/a/x", v.absolute("x"));
        assertEquals(root, v.root());
        assertEquals("/home/alice", v.home());
    }

    @Test
    void noneViewResolvesNothing() {
        var none = JailedFileView.none();
        assertEquals("/", none.cwd());
        assertEquals("/x", none.absolute("a/../x"));
        assertThrows(NoSuchFileException.class, () -> none.resolve("/x"));
        assertThrows(IllegalStateException.class, none::root);
    }
}

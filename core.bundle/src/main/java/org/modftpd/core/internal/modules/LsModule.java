package org.modftpd.core.internal.modules;

import static org.modftpd.core.internal.modules.Support.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.modftpd.api.Command;
import org.modftpd.api.Command.Outcome;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.api.FtpReplyException;
import org.modftpd.api.Transfer;
import org.modftpd.core.internal.fs.Directories;
import org.modftpd.core.internal.fs.DirectoryReader;
import org.modftpd.core.internal.fs.FileInfo;
import org.modftpd.core.internal.fs.JailedFileView;
import org.modftpd.core.internal.fs.LongListing;
import org.modftpd.core.internal.session.SessionImpl;
import org.modftpd.core.internal.session.Status;
import org.modftpd.core.internal.session.Transfers;
import org.modftpd.spi.CommandSpec;
import org.modftpd.spi.CommandSpec.CommandClass;
import org.modftpd.spi.FtpModule;
import org.modftpd.spi.ModulePriority;
import org.osgi.service.component.annotations.Component;

/** mod_ls.c: LIST, NLST and STAT. */
@Component(service = FtpModule.class)
public final class LsModule implements FtpModule {

    @Override
    public String name() {
        return "mod_ls.c";
    }

    @Override
    public int priority() {
        return ModulePriority.CORE + 2;
    }

    @Override
    public List<DirectiveSpec<?>> directives() {
        return List.of(CoreDirectives.SHOW_SYMLINKS, AccessDirectives.DIR_FAKE_USER, AccessDirectives.DIR_FAKE_GROUP,
                AccessDirectives.DIR_FAKE_MODE, AccessDirectives.LIST_OPTIONS);
    }

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                CommandSpec.of("LIST", this::list).group("DIRS").commandClass(CommandClass.DIRS)
                        .help("[<sp> pathname]"),
                CommandSpec.of("NLST", this::nlst).group("DIRS").commandClass(CommandClass.DIRS)
                        .help("[<sp> (pathname)]"),
                CommandSpec.of("STAT", this::stat).group("DIRS").commandClass(CommandClass.INFO)
                        .help("[<sp> pathname]"));
    }

    /** The options and path of a LIST/NLST/STAT argument ({@code -la dir}). */
    record Request(String flags, String path) {
        boolean has(char f) {
            return flags.indexOf(f) >= 0;
        }

        /** The client's options combined with ListOptions (only ListOptions' with {@code strict}). */
        static Request parse(String argument, org.modftpd.api.Config config) {
            Request client = parse(argument);
            var opts = config.get(AccessDirectives.LIST_OPTIONS);
            if (opts.isEmpty()) {
                return client;
            }
            Request configured = parse(opts.get().options() + " ");
            String flags = opts.get().strict() ? configured.flags() : configured.flags() + client.flags();
            StringBuilder kept = new StringBuilder();
            for (char f : flags.toCharArray()) {
                if (f == '+') {
                    continue;
                }
                kept.append(f);
            }
            return new Request(kept.toString(), client.path());
        }

        static Request parse(String argument) {
            String rest = argument.stripLeading();
            StringBuilder flags = new StringBuilder();
            while (rest.startsWith("-")) {
                int end = rest.indexOf(' ');
                String word = end < 0 ? rest : rest.substring(0, end);
                flags.append(word, 1, word.length());
                rest = end < 0 ? "" : rest.substring(end + 1).stripLeading();
            }
            return new Request(flags.toString(), rest);
        }
    }

    // ---------------------------------------------------------------- LIST

    private Outcome list(Command c) throws FtpReplyException {
        SessionImpl s = session(c);
        Request r = Request.parse(c.argument(), s.config());
        String shown = r.path().isEmpty() ? "." : r.path();
        Path target = Support.resolve(c, shown);
        if (!Support.allowed(c, target)) {
            return transferText(c, shown, target, () -> new byte[0]);
        }
        String opening = "Opening " + (s.ascii() ? "ASCII" : "BINARY") + " mode data connection for file list";
        var targetView = s.configFor(target);
        boolean gmt = targetView.value(CoreDirectives.TIMES_GMT);
        boolean links = targetView.value(CoreDirectives.SHOW_SYMLINKS) && !r.has('L');
        return DataTransfer.run(c, shown, target, Transfer.Direction.OUTGOING, -1, opening, (data, t) -> {
            ListingOutput out = new ListingOutput(data, t);
            longListing(out, s, r, shown, target, gmt, links);
            return out.finish();
        }, aborted -> { });
    }

    private interface Text {
        byte[] get() throws IOException;
    }

    private Outcome transferText(Command c, String shown, Path target, Text text) {
        SessionImpl s = session(c);
        String opening = "Opening " + (s.ascii() ? "ASCII" : "BINARY") + " mode data connection for file list";
        return DataTransfer.run(c, shown, target, Transfer.Direction.OUTGOING, -1, opening,
                (data, t) -> Transfers.sendBytes(ByteBuffer.wrap(text.get()), data, t), aborted -> { });
    }

    private static LongListing listing(SessionImpl s, Path dir, boolean gmt, boolean numeric) {
        var view = s.config().forPath(dir);
        LongListing ls = new LongListing(gmt, numeric);
        var user = view.get(AccessDirectives.DIR_FAKE_USER).filter(AccessDirectives.Fake::on).map(f -> fakeName(s, f,
                true)).orElse(null);
        var group = view.get(AccessDirectives.DIR_FAKE_GROUP).filter(AccessDirectives.Fake::on).map(f -> fakeName(s, f,
                false)).orElse(null);
        int mode = view.get(AccessDirectives.DIR_FAKE_MODE).orElse(-1);
        return ls.fake(user, group, mode);
    }

    /** {@code DirFakeUser on ~} shows the logged-in user's own name. */
    private static String fakeName(SessionImpl s, AccessDirectives.Fake f, boolean user) {
        if (f.name().equals("~")) {
            return s.identity().map(i -> user ? i.name() : i.primaryGroupName()).orElse("ftp");
        }
        return f.name();
    }

    private void longListing(ListingOutput sink, SessionImpl s, Request r, String shown, Path target, boolean gmt,
            boolean links) throws IOException {
        LongListing ls = listing(s, target, gmt, r.has('n'));
        StringBuilder out = sink.out;
        List<Path> matches = glob(s, shown, target);
        if (matches == null) {
            Stat st;
            try {
                st = stat(s, target, !links);
            } catch (NoSuchFileException e) {
                throw new DataTransfer.Missing(shown);
            }
            if (st.info().isDirectory() && !r.has('d')) {
                // one directory's lines are written once it has been read: nothing can fail after that
                if (!r.has('R')) {
                    sink.streaming();
                }
                listDirectory(sink, ls, s, r, st.path(), "", links, new HashSet<>());
            } else {
                ls.append(out, st.path(), shown, st.info(), links);
            }
            return;
        }
        for (Path m : matches) {
            Stat st = stat(s, m, !links);
            if (!st.info().isDirectory() || r.has('d')) {
                ls.append(out, st.path(), m.getFileName().toString(), st.info(), links);
            }
        }
        for (Path m : matches) {
            Stat st = stat(s, m, !links);
            if (st.info().isDirectory() && !r.has('d')) {
                if (matches.size() > 1) {
                    out.append("\r\n").append(m.getFileName()).append(":\r\n");
                }
                listDirectory(sink, ls, s, r, st.path(), "", links, new HashSet<>());
            }
        }
    }

    /** A file's details and the path to open it by. */
    private record Stat(Path path, FileInfo info) {
    }

    /**
     * lstat(2), or with {@code follow} stat(2) as a chrooted process does it: links are followed inside
     * the jail, never in the real file system.
     */
    private static Stat stat(SessionImpl s, Path p, boolean follow) throws IOException {
        Path real = follow ? ((JailedFileView) s.files()).follow(p) : p;
        return new Stat(real, FileInfo.read(real, false));
    }

    /** Whether a path exists once its links are followed inside the jail. */
    private static boolean existsInJail(SessionImpl s, Path p) {
        try {
            return Files.exists(((JailedFileView) s.files()).follow(p), LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private void listDirectory(ListingOutput sink, LongListing ls, SessionImpl s, Request r, Path dir, String prefix,
            boolean links, Set<String> listed) throws IOException {
        StringBuilder out = sink.out;
        listed.add(id(FileInfo.read(dir, false)));
        List<Entry> entries = entries(s, dir, r, links);
        if (r.has('a')) {
            // as under chroot, the parent of the session's root is the root itself
            Path parent = dir.equals(s.files().root()) ? dir : dir.resolve("..");
            entries.add(0, new Entry(parent, "..", FileInfo.read(parent, true)));
            entries.add(0, new Entry(dir, ".", FileInfo.read(dir, true)));
        }
        for (Entry e : entries) {
            if (r.has('1')) {
                out.append(e.name()).append("\r\n");
            } else {
                ls.append(out, e::path, e.name(), e.info(), links);
            }
            sink.line();
        }
        if (r.has('R')) {
            for (Entry e : entries) {
                if (e.info().isDirectory() && !e.name().equals(".") && !e.name().equals("..")
                        && !listed.contains(id(e.info()))) {
                    // (a directory reached again through a followed link is listed once, as ls -R does)
                    String sub = prefix.isEmpty() ? e.name() : prefix + "/" + e.name();
                    out.append("\r\n").append(sub).append(":\r\n");
                    listDirectory(sink, ls, s, r, e.path(), sub, links, listed);
                }
            }
        }
    }

    /** A listed file: its name, its details and the path to reach it by (made when first asked for). */
    private static final class Entry {
        private final Path dir;
        private final String name;
        private final FileInfo info;
        private Path path;

        Entry(Path path, String name, FileInfo info) {
            this(null, path, name, info);
        }

        private Entry(Path dir, Path path, String name, FileInfo info) {
            this.dir = dir;
            this.path = path;
            this.name = name;
            this.info = info;
        }

        /** An entry of {@code dir} whose path is {@code dir/name}. */
        static Entry in(Path dir, String name, FileInfo info) {
            return new Entry(dir, null, name, info);
        }

        String name() {
            return name;
        }

        FileInfo info() {
            return info;
        }

        Path path() {
            if (path == null) {
                path = dir.resolve(name);
            }
            return path;
        }
    }

    private static String id(FileInfo info) {
        return info.dev() + ":" + info.ino();
    }

    private static List<Entry> entries(SessionImpl s, Path dir, Request r, boolean links) throws IOException {
        boolean all = r.has('a') || r.has('A');
        List<Entry> entries = new ArrayList<>();
        Hiding.Rules hiding = Hiding.rules(s, s.config().forPath(dir));
        try (DirectoryReader reader = Directories.open(dir)) {
            while (reader.next()) {
                String name = reader.name();
                if (!all && name.startsWith(".") || hiding.hidden(reader)) {
                    continue;
                }
                try {
                    if (links) {
                        entries.add(Entry.in(dir, name, reader.info()));
                    } else {
                        Stat st = stat(s, reader.path(), true);
                        entries.add(new Entry(st.path(), name, st.info()));
                    }
                } catch (NoSuchFileException gone) {
                    // removed while listing, or a dangling link being followed
                }
            }
        }
        if (!r.has('U')) {
            Comparator<Entry> order = Comparator.comparing(Entry::name);
            if (r.has('t')) {
                order = Comparator.comparingLong((Entry e) -> e.info().mtimeMillis()).reversed();
            } else if (r.has('S')) {
                order = Comparator.comparingLong((Entry e) -> e.info().size()).reversed();
            }
            if (r.has('r')) {
                order = order.reversed();
            }
            entries.sort(order);
        }
        return entries;
    }

    /** The paths matching a glob in the last component, or null when the path has no glob characters. */
    private static List<Path> glob(SessionImpl s, String shown, Path target) throws IOException {
        String name = target.getFileName() == null ? "" : target.getFileName().toString();
        if (name.indexOf('*') < 0 && name.indexOf('?') < 0 && name.indexOf('[') < 0) {
            return null;
        }
        if (Files.exists(target)) {
            return null;
        }
        Path dir = target.getParent();
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + name);
        List<Path> found = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                if (m.matches(p.getFileName()) && !(p.getFileName().toString().startsWith(".")
                        && !name.startsWith("."))) {
                    found.add(p);
                }
            }
        }
        found.sort(null);
        return found;
    }

    // ---------------------------------------------------------------- NLST

    private Outcome nlst(Command c) throws FtpReplyException {
        SessionImpl s = session(c);
        Request r = Request.parse(c.argument(), s.config());
        String shown = r.path().isEmpty() ? "." : r.path();
        Path target = Support.resolve(c, shown);
        if (!Support.allowed(c, target)) {
            return transferText(c, shown, target, () -> new byte[0]);
        }
        boolean all = r.has('a') || r.has('A');
        StringBuilder out = new StringBuilder(1024);
        List<Path> matches;
        try {
            matches = glob(s, shown, target);
            if (matches != null && matches.isEmpty()) {
                return c.error(450, "No files found");
            }
            if (matches == null) {
                // stat(2) as a chrooted process does it: links are followed inside the jail
                Path real = ((JailedFileView) s.files()).follow(target);
                if (!Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
                    return c.error(450, shown + ": No such file or directory");
                }
                String prefix = r.path().isEmpty() || r.path().equals(".") ? ""
                        : JailedFileView.normalize("/", r.path()).substring(1).isEmpty() ? "/"
                        : stripSlash(r.path());
                if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
                    Hiding.Rules hiding = Hiding.rules(s, s.config().forPath(target));
                    try (DirectoryStream<Path> stream = Files.newDirectoryStream(real)) {
                        List<String> names = new ArrayList<>();
                        if (r.has('a')) {
                            // readdir(3) returns these two, and ProFTPD's NLST -a shows them
                            names.add(".");
                            names.add("..");
                        }
                        for (Path p : stream) {
                            names.add(FileInfo.name(p));
                        }
                        for (String name : names) {
                            Path p = real.resolve(name);
                            if (!all && name.startsWith(".") || !name.equals(".") && !name.equals("..")
                                    && hiding.hidden(p, name)) {
                                continue;
                            }
                            if (Files.isSymbolicLink(p) && !existsInJail(s, p)) {
                                continue;
                            }
                            out.append(prefix.isEmpty() || r.has('1') ? name
                                    : prefix.endsWith("/") ? prefix + name : prefix + "/" + name).append("\r\n");
                        }
                    }
                } else if (Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                    out.append(stripSlash(r.path())).append("\r\n");
                } else {
                    return c.error(450, shown + ": Not a regular file");
                }
            } else {
                String dirPart = shown.lastIndexOf('/') >= 0 ? shown.substring(0, shown.lastIndexOf('/') + 1) : "";
                for (Path p : matches) {
                    out.append(dirPart).append(p.getFileName()).append("\r\n");
                }
            }
        } catch (IOException e) {
            return c.error(450, shown + ": " + org.modftpd.core.internal.fs.Errors.text(e));
        }
        byte[] text = out.toString().getBytes(StandardCharsets.UTF_8);
        return transferText(c, shown, target, () -> text);
    }

    private static String stripSlash(String p) {
        String s = p;
        while (s.length() > 1 && s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    // ---------------------------------------------------------------- STAT

    private Outcome stat(Command c) throws FtpReplyException {
        SessionImpl s = session(c);
        if (c.argument().isBlank()) {
            if (!Support.allowed(c, null)) {
                return c.error(500, "STAT: Operation not permitted");
            }
            for (var line : Status.lines(s)) {
                c.reply(line.code(), line.text());
            }
            return Outcome.HANDLED;
        }
        Request r = Request.parse(c.argument());
        String shown = r.path().isEmpty() ? "." : r.path();
        Path target = Support.resolve(c, shown);
        if (!Support.allowed(c, target)) {
            return c.error(450, shown + ": Permission denied");
        }
        var targetView = s.configFor(target);
        boolean gmt = targetView.value(CoreDirectives.TIMES_GMT);
        boolean links = targetView.value(CoreDirectives.SHOW_SYMLINKS);
        try {
            Stat st = stat(s, target, !links);
            LongListing ls = listing(s, target, gmt, false);
            ListingOutput sink = new ListingOutput();
            StringBuilder out = sink.out;
            int code;
            if (st.info().isDirectory()) {
                code = 212;
                listDirectory(sink, ls, s, new Request("al", ""), st.path(), "", links, new HashSet<>());
            } else {
                code = 213;
                ls.append(out, st.path(), shown, st.info(), links);
            }
            c.reply(code, "Status of " + shown + ":");
            for (String line : out.toString().split("\r\n")) {
                if (!line.isEmpty()) {
                    c.reply(code, line);
                }
            }
            return c.reply(code, "End of status");
        } catch (NoSuchFileException e) {
            return c.error(450, shown + ": No such file or directory");
        } catch (IOException e) {
            return c.error(450, shown + ": " + org.modftpd.core.internal.fs.Errors.text(e));
        }
    }
}

package org.modftpd.core.internal.modules;

import static org.modftpd.core.internal.modules.Support.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.modftpd.api.Command;
import org.modftpd.api.Command.Outcome;
import org.modftpd.api.FtpReplyException;
import org.modftpd.api.Transfer;
import org.modftpd.core.internal.fs.Directories;
import org.modftpd.core.internal.fs.DirectoryReader;
import org.modftpd.core.internal.fs.FileInfo;
import org.modftpd.core.internal.fs.JailedFileView;
import org.modftpd.core.internal.session.SessionImpl;
import org.modftpd.spi.CommandSpec;
import org.modftpd.spi.CommandSpec.CommandClass;
import org.modftpd.spi.FtpModule;
import org.modftpd.spi.ModulePriority;
import org.osgi.service.component.annotations.Component;

/** mod_facts.c: MLSD, MLST, MFMT, MFF and OPTS MLST (RFC 3659). */
@Component(service = FtpModule.class)
public final class FactsModule implements FtpModule {

    /** Session note holding the facts chosen with OPTS MLST (a List of fact names). */
    static final String FACTS_NOTE = "mod_facts.facts";
    private static final List<String> ALL_FACTS = List.of("modify", "perm", "size", "type", "unique", "UNIX.group",
            "UNIX.groupname", "UNIX.mode", "UNIX.owner", "UNIX.ownername");
    private static final DateTimeFormatter MODIFY = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
            .withZone(ZoneOffset.UTC);

    @Override
    public String name() {
        return "mod_facts.c";
    }

    @Override
    public int priority() {
        return ModulePriority.CORE + 3;
    }

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                CommandSpec.of("MLSD", this::mlsd).group("DIRS").commandClass(CommandClass.DIRS)
                        .help("[<sp> pathname]"),
                CommandSpec.of("MLST", this::mlst).group("DIRS").commandClass(CommandClass.DIRS)
                        .help("[<sp> pathname]"),
                CommandSpec.of("MFMT", this::mfmt).group("WRITE").commandClass(CommandClass.WRITE),
                CommandSpec.of("MFF", this::mff).group("WRITE").commandClass(CommandClass.WRITE),
                CommandSpec.of("OPTS_MLST", this::optsMlst).withoutLogin().commandClass(CommandClass.MISC));
    }

    @SuppressWarnings("unchecked")
    private static List<String> selected(SessionImpl s) {
        Object v = s.notes().get(FACTS_NOTE);
        return v instanceof List<?> l ? (List<String>) l : ALL_FACTS;
    }

    /** The FEAT line for MLST, starring the facts in effect. */
    static String featLine(SessionImpl s) {
        List<String> on = selected(s);
        StringBuilder b = new StringBuilder("MLST ");
        for (String f : ALL_FACTS) {
            b.append(f).append(on.contains(f) ? "*;" : ";");
        }
        return b.toString();
    }

    private Outcome optsMlst(Command c) {
        SessionImpl s = session(c);
        if (c.arguments().size() > 1) {
            return c.error(501, "'OPTS MLST' not understood");
        }
        List<String> chosen = new ArrayList<>();
        if (!c.arguments().isEmpty()) {
            String list = c.arguments().get(0);
            int start = 0;
            int semi;
            while ((semi = list.indexOf(';', start)) >= 0) {
                String fact = list.substring(start, semi);
                for (String known : ALL_FACTS) {
                    if (known.equalsIgnoreCase(fact) && !chosen.contains(known)) {
                        chosen.add(known);
                    }
                }
                start = semi + 1;
            }
        }
        s.notes().put(FACTS_NOTE, List.copyOf(chosen));
        StringBuilder reply = new StringBuilder("MLST OPTS");
        if (!chosen.isEmpty()) {
            reply.append(' ');
            chosen.forEach(f -> reply.append(f).append(';'));
        }
        return c.reply(200, reply.toString());
    }

    /** One fact line: {@code fact=value;...; name}. */
    static String facts(SessionImpl s, Path path, String name, String type, FileInfo info, List<String> on) {
        StringBuilder b = new StringBuilder(160);
        new FactWriter(s, on).append(b, path, name, type, info);
        return b.toString();
    }

    /**
     * Writes fact lines for one listing (one thread): the facts chosen and the session's names are looked
     * up once, and the last entry's device and date are reused while they stay the same.
     */
    static final class FactWriter {
        private final boolean modify;
        private final boolean perm;
        private final boolean size;
        private final boolean type;
        private final boolean unique;
        private final boolean unixGroup;
        private final boolean unixGroupname;
        private final boolean unixMode;
        private final boolean unixOwner;
        private final boolean unixOwnername;
        private final String user;
        private final String group;
        private long lastDev;
        private String lastDevHex;
        private long lastSecond;
        private String lastModify;
        private int lastUid;
        private int lastGid;
        private int lastMode;
        private String lastUnix;

        FactWriter(SessionImpl s, List<String> on) {
            this(s.identity().map(i -> i.name()).orElse(""), s.identity().map(i -> i.primaryGroupName()).orElse(""),
                    on);
        }

        FactWriter(String user, String group, List<String> on) {
            this.user = user.replace(' ', '_');
            this.group = group.replace(' ', '_');
            modify = on.contains("modify");
            perm = on.contains("perm");
            size = on.contains("size");
            type = on.contains("type");
            unique = on.contains("unique");
            unixGroup = on.contains("UNIX.group");
            unixGroupname = on.contains("UNIX.groupname");
            unixMode = on.contains("UNIX.mode");
            unixOwner = on.contains("UNIX.owner");
            unixOwnername = on.contains("UNIX.ownername");
        }

        /** Appends {@code fact=value;...; name} (without line end), the facts in ALL_FACTS' order. */
        void append(StringBuilder b, Path path, String name, String typeName, FileInfo info) {
            append(b, mode -> Directories.allowed(path, mode), name, typeName, info);
        }

        /** As {@link #append(StringBuilder, Path, String, String, FileInfo)} for a directory entry being read. */
        void append(StringBuilder b, DirectoryReader entry, String name, String typeName, FileInfo info) {
            append(b, entry::allowed, name, typeName, info);
        }

        private void append(StringBuilder b, IntUnaryOperator may, String name, String typeName, FileInfo info) {
            boolean dir = info.isDirectory();
            if (modify) {
                b.append("modify=").append(modify(info.mtimeMillis())).append(';');
            }
            if (perm) {
                b.append("perm=");
                appendPerm(b, may, dir);
                b.append(';');
            }
            if (size && !dir) {
                b.append("size=").append(info.size()).append(';');
            }
            if (type) {
                b.append("type=").append(typeName).append(';');
            }
            if (unique) {
                if (lastDevHex == null || info.dev() != lastDev) {
                    lastDevHex = Long.toHexString(info.dev()).toUpperCase(Locale.ROOT);
                    lastDev = info.dev();
                }
                b.append("unique=").append(lastDevHex).append('U');
                appendHex(b, info.ino());
                b.append(';');
            }
            b.append(unixFacts(info)).append(' ').append(name);
        }

        /** The UNIX.* facts, which depend only on the owner, group and mode (mostly the same from entry to entry). */
        private String unixFacts(FileInfo info) {
            int mode = info.mode() & 07777;
            if (lastUnix != null && info.uid() == lastUid && info.gid() == lastGid && mode == lastMode) {
                return lastUnix;
            }
            StringBuilder b = new StringBuilder(96);
            if (unixGroup) {
                b.append("UNIX.group=").append(info.gid()).append(';');
            }
            if (unixGroupname) {
                b.append("UNIX.groupname=").append(group).append(';');
            }
            if (unixMode) {
                b.append("UNIX.mode=0");
                appendOctal(b, mode);
                b.append(';');
            }
            if (unixOwner) {
                b.append("UNIX.owner=").append(info.uid()).append(';');
            }
            if (unixOwnername) {
                b.append("UNIX.ownername=").append(user).append(';');
            }
            lastUid = info.uid();
            lastGid = info.gid();
            lastMode = mode;
            lastUnix = b.toString();
            return lastUnix;
        }

        /** {@code yyyyMMddHHmmss} in UTC. */
        String modify(long millis) {
            long second = Math.floorDiv(millis, 1000L);
            if (lastModify == null || second != lastSecond) {
                lastModify = modifyText(millis);
                lastSecond = second;
            }
            return lastModify;
        }
    }

    /** {@code yyyyMMddHHmmss} in UTC, as {@link #MODIFY} writes it. */
    static String modifyText(long millis) {
        long second = Math.floorDiv(millis, 1000L);
        long day = Math.floorDiv(second, 86400L);
        int secondOfDay = (int) Math.floorMod(second, 86400L);
        java.time.LocalDate d = java.time.LocalDate.ofEpochDay(day);
        int year = d.getYear();
        if (year < 1 || year > 9999) {
            // year-of-era, signs and widths as the formatter has them
            return MODIFY.format(java.time.Instant.ofEpochMilli(millis));
        }
        char[] c = new char[14];
        digits(c, 0, year, 4);
        digits(c, 4, d.getMonthValue(), 2);
        digits(c, 6, d.getDayOfMonth(), 2);
        digits(c, 8, secondOfDay / 3600, 2);
        digits(c, 10, secondOfDay / 60 % 60, 2);
        digits(c, 12, secondOfDay % 60, 2);
        return new String(c);
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** Upper-case hexadecimal of the unsigned value, as {@code Long.toHexString(v).toUpperCase()}. */
    static void appendHex(StringBuilder b, long v) {
        char[] digits = new char[16];
        int at = digits.length;
        do {
            digits[--at] = "0123456789ABCDEF".charAt((int) (v & 0xF));
            v >>>= 4;
        } while (v != 0);
        b.append(digits, at, digits.length - at);
    }

    /** Octal of a non-negative value, as {@code Integer.toOctalString(v)}. */
    static void appendOctal(StringBuilder b, int v) {
        int shift = 30;
        while (shift > 0 && (v >>> shift & 07) == 0) {
            shift -= 3;
        }
        for (; shift >= 0; shift -= 3) {
            b.append((char) ('0' + (v >>> shift & 07)));
        }
    }

    /** The perm fact's values, by {@link #permIndex}. */
    private static final String[] PERMS = new String[16];

    static {
        for (int i = 0; i < PERMS.length; i++) {
            boolean dir = (i & 8) != 0;
            boolean r = (i & 4) != 0;
            boolean w = (i & 2) != 0;
            boolean x = (i & 1) != 0;
            PERMS[i] = dir ? (r ? "fl" : "") + (w ? "cdmp" : "") + (x ? "e" : "") : (r ? "a" : "") + "dfr" + (w ? "w" : "");
        }
    }

    private static int permIndex(boolean dir, boolean r, boolean w, boolean x) {
        return (dir ? 8 : 0) | (r ? 4 : 0) | (w ? 2 : 0) | (x ? 1 : 0);
    }

    /** The perm fact: what the server process may do with the file, as access(2) answers. */
    private static void appendPerm(StringBuilder b, IntUnaryOperator may, boolean dir) {
        int ok = may.applyAsInt(DirectoryReader.READ | DirectoryReader.WRITE | (dir ? DirectoryReader.EXECUTE : 0));
        b.append(PERMS[permIndex(dir, (ok & DirectoryReader.READ) != 0, (ok & DirectoryReader.WRITE) != 0,
                (ok & DirectoryReader.EXECUTE) != 0)]);
    }

    private static String type(FileInfo info) {
        if (info.isDirectory()) {
            return "dir";
        }
        if (info.isLink()) {
            return "OS.unix=symlink";
        }
        return "file";
    }

    private Outcome mlsd(Command c) throws FtpReplyException {
        SessionImpl s = session(c);
        String shown = c.argument().isEmpty() ? "." : c.argument();
        Path dir = Support.resolveFollowing(c, shown);
        if (!Support.allowed(c, dir)) {
            return c.error(550, "Unable to handle command");
        }
        if (!Files.exists(dir)) {
            return c.error(550, shown + ": No such file or directory");
        }
        if (!Files.isDirectory(dir)) {
            return c.error(550, "'" + shown + "' is not a directory");
        }
        List<String> on = selected(s);
        String opening = "Opening " + (s.ascii() ? "ASCII" : "BINARY") + " mode data connection for MLSD";
        boolean links = s.configFor(dir).value(CoreDirectives.SHOW_SYMLINKS);
        JailedFileView jail = (JailedFileView) s.files();
        return DataTransfer.run(c, shown, dir, Transfer.Direction.OUTGOING, -1, opening, (data, t) -> {
            FactWriter facts = new FactWriter(s, on);
            ListingOutput sink = new ListingOutput(data, t);
            StringBuilder out = sink.out;
            facts.append(out, dir, ".", "cdir", FileInfo.read(dir, true));
            out.append("\r\n");
            Path parent = dir.equals(s.files().root()) ? dir : dir.resolve("..");
            facts.append(out, parent, "..", "pdir", FileInfo.read(parent, true));
            out.append("\r\n");
            Hiding.Rules hiding = Hiding.rules(s, s.config().forPath(dir));
            // in the order readdir(3) gives, as ProFTPD does: each chunk goes out while the next is read
            sink.streaming();
            try (DirectoryReader entries = Directories.open(dir)) {
                while (entries.next()) {
                    String name = entries.name();
                    if (hiding.hidden(entries)) {
                        continue;
                    }
                    try {
                        if (links) {
                            FileInfo info = entries.info();
                            facts.append(out, entries, name, type(info), info);
                        } else {
                            Path real = jail.follow(entries.path());
                            FileInfo info = FileInfo.read(real, false);
                            facts.append(out, real, name, type(info), info);
                        }
                    } catch (NoSuchFileException gone) {
                        continue;
                    }
                    out.append("\r\n");
                    sink.line();
                }
            }
            return sink.finish();
        }, aborted -> { });
    }

    private Outcome mlst(Command c) throws FtpReplyException {
        SessionImpl s = session(c);
        String shown = c.argument().isEmpty() ? s.files().cwd() : c.argument();
        Path p = Support.resolve(c, c.argument().isEmpty() ? "." : c.argument());
        if (!Support.allowed(c, p)) {
            return c.error(550, "Unable to handle command");
        }
        boolean links = s.configFor(p).get(CoreDirectives.SHOW_SYMLINKS).orElse(false);
        FileInfo info;
        try {
            // without ShowSymlinks a link is described by its target, found as a chrooted process would
            if (!links) {
                p = ((JailedFileView) s.files()).follow(p);
            }
            info = FileInfo.read(p, false);
        } catch (IOException e) {
            return c.error(550, "'" + shown + "' cannot be listed");
        }
        String absolute = s.files().absolute(c.argument().isEmpty() ? "." : c.argument());
        c.reply(250, "Start of list for " + shown);
        c.reply(250, facts(s, p, absolute, type(info), info, selected(s)));
        return c.reply(250, "End of list");
    }

    private Outcome mfmt(Command c) throws FtpReplyException {
        String arg = c.argument();
        int space = arg.indexOf(' ');
        if (space <= 0 || space == arg.length() - 1) {
            return c.error(501, "Invalid number of parameters");
        }
        String stamp = arg.substring(0, space);
        String pathArg = arg.substring(space + 1);
        int dot = stamp.indexOf('.');
        String whole = dot < 0 ? stamp : stamp.substring(0, dot);
        if (whole.length() < 14) {
            return c.error(501, stamp + ": Invalid argument");
        }
        LocalDateTime when;
        try {
            when = LocalDateTime.parse(whole.substring(0, 14), DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
            if (when.getYear() < 1970) {
                throw new IllegalArgumentException();
            }
        } catch (RuntimeException e) {
            return c.error(501, pathArg + ": Invalid argument");
        }
        Path p = Support.resolveFollowing(c, pathArg);
        if (!Support.allowed(c, p)) {
            return c.error(550, "Unable to handle command");
        }
        try {
            Files.setLastModifiedTime(p, FileTime.from(when.toInstant(ZoneOffset.UTC)));
        } catch (IOException e) {
            throw Support.failure(pathArg, e);
        }
        return c.reply(213, "Modify=" + whole + "; " + pathArg);
    }

    private Outcome mff(Command c) throws FtpReplyException {
        String arg = c.argument();
        int space = arg.indexOf(' ');
        if (space <= 0) {
            return c.error(501, "Invalid number of parameters");
        }
        String factText = arg.substring(0, space);
        String pathArg = arg.substring(space + 1);
        Map<String, String> facts = new LinkedHashMap<>();
        for (String f : factText.split(";")) {
            int eq = f.indexOf('=');
            if (eq > 0) {
                facts.put(f.substring(0, eq).toLowerCase(Locale.ROOT), f.substring(eq + 1));
            }
        }
        Path p = Support.resolveFollowing(c, pathArg);
        if (!Support.allowed(c, p)) {
            return c.error(550, "Unable to handle command");
        }
        for (String key : facts.keySet()) {
            if (!key.equals("modify") && !key.equals("unix.mode")) {
                return c.error(504, "Cannot modify fact '" + factText + "'");
            }
        }
        try {
            if (facts.containsKey("modify")) {
                String w = facts.get("modify");
                LocalDateTime when = LocalDateTime.parse(w.substring(0, 14),
                        DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
                Files.setLastModifiedTime(p, FileTime.from(when.toInstant(ZoneOffset.UTC)));
            }
            if (facts.containsKey("unix.mode")) {
                int mode = Integer.parseInt(facts.get("unix.mode"), 8);
                Files.setPosixFilePermissions(p, Support.permissions(mode & 0777));
            }
        } catch (IOException e) {
            throw Support.failure(pathArg, e);
        } catch (RuntimeException e) {
            return c.error(501, pathArg + ": Invalid argument");
        }
        return c.reply(213, factText + " " + pathArg);
    }
}

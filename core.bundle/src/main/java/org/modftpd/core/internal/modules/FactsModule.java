package org.modftpd.core.internal.modules;

import static org.modftpd.core.internal.modules.Support.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
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
import org.modftpd.api.Command;
import org.modftpd.api.Command.Outcome;
import org.modftpd.api.FtpReplyException;
import org.modftpd.api.Transfer;
import org.modftpd.core.internal.fs.FileInfo;
import org.modftpd.core.internal.fs.JailedFileView;
import org.modftpd.core.internal.session.SessionImpl;
import org.modftpd.core.internal.session.Transfers;
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
        String user = s.identity().map(i -> i.name()).orElse("").replace(' ', '_');
        String group = s.identity().map(i -> i.primaryGroupName()).orElse("").replace(' ', '_');
        boolean dir = info.isDirectory();
        for (String f : ALL_FACTS) {
            if (!on.contains(f)) {
                continue;
            }
            switch (f) {
                case "modify" -> b.append("modify=").append(MODIFY.format(java.time.Instant.ofEpochMilli(
                        info.mtimeMillis()))).append(';');
                case "perm" -> b.append("perm=").append(perm(path, dir)).append(';');
                case "size" -> {
                    if (!dir) {
                        b.append("size=").append(info.size()).append(';');
                    }
                }
                case "type" -> b.append("type=").append(type).append(';');
                case "unique" -> b.append("unique=").append(Long.toHexString(info.dev()).toUpperCase(Locale.ROOT))
                        .append('U').append(Long.toHexString(info.ino()).toUpperCase(Locale.ROOT)).append(';');
                case "UNIX.group" -> b.append("UNIX.group=").append(info.gid()).append(';');
                case "UNIX.groupname" -> b.append("UNIX.groupname=").append(group).append(';');
                case "UNIX.mode" -> b.append("UNIX.mode=0").append(Integer.toOctalString(info.mode() & 07777))
                        .append(';');
                case "UNIX.owner" -> b.append("UNIX.owner=").append(info.uid()).append(';');
                case "UNIX.ownername" -> b.append("UNIX.ownername=").append(user).append(';');
                default -> { }
            }
        }
        return b.append(' ').append(name).toString();
    }

    private static String perm(Path p, boolean dir) {
        boolean r = Files.isReadable(p);
        boolean w = Files.isWritable(p);
        if (dir) {
            return (r ? "fl" : "") + (w ? "cdmp" : "") + (Files.isExecutable(p) ? "e" : "");
        }
        return (r ? "a" : "") + "dfr" + (w ? "w" : "");
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
            StringBuilder out = new StringBuilder(8192);
            out.append(facts(s, dir, ".", "cdir", FileInfo.read(dir, true), on)).append("\r\n");
            Path parent = dir.equals(s.files().root()) ? dir : dir.resolve("..");
            out.append(facts(s, parent, "..", "pdir", FileInfo.read(parent, true), on)).append("\r\n");
            var dirView = s.config().forPath(dir);
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
                for (Path p : stream) {
                    if (Hiding.hidden(s, dirView, p, p.getFileName().toString())) {
                        continue;
                    }
                    FileInfo info;
                    Path real;
                    try {
                        real = links ? p : jail.follow(p);
                        info = FileInfo.read(real, false);
                    } catch (NoSuchFileException gone) {
                        continue;
                    }
                    out.append(facts(s, real, p.getFileName().toString(), type(info), info, on)).append("\r\n");
                }
            }
            return Transfers.sendBytes(out.toString().getBytes(StandardCharsets.UTF_8), data, t);
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

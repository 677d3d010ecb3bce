package org.modftpd.core.internal.modules;

import static org.modftpd.core.internal.modules.Support.checkAllowed;
import static org.modftpd.core.internal.modules.Support.notUnderstood;
import static org.modftpd.core.internal.modules.Support.resolve;
import static org.modftpd.core.internal.modules.Support.resolveFollowing;
import static org.modftpd.core.internal.modules.Support.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.modftpd.api.Command;
import org.modftpd.api.Command.Outcome;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.api.FtpReplyException;
import org.modftpd.api.Transfer;
import org.modftpd.core.internal.fs.Errors;
import org.modftpd.core.internal.log.TransferLog;
import org.modftpd.core.internal.protocol.Addresses;
import org.modftpd.core.internal.session.BufferPool;
import org.modftpd.core.internal.session.SessionImpl;
import org.modftpd.core.internal.session.Transfers;
import org.modftpd.spi.CommandSpec;
import org.modftpd.spi.CommandSpec.CommandClass;
import org.modftpd.spi.FtpModule;
import org.modftpd.spi.ModulePriority;
import org.modftpd.spi.Phase;
import org.osgi.service.component.annotations.Component;
import org.modftpd.core.internal.protocol.Addresses;

/**
 * mod_xfer.c: TYPE, STRU, MODE, ALLO, SMNT, REST, RETR, STOR, STOU, APPE, ABOR, and the TransferLog.
 */
@Component(service = FtpModule.class)
public final class XferModule implements FtpModule {

    static final String NOTE_PATH = "mod_xfer.path";
    static final String NOTE_DELETED_SIZE = "mod_xfer.deleted-size";
    private static final String UNIQUE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private final SecureRandom random = new SecureRandom();

    @Override
    public String name() {
        return "mod_xfer.c";
    }

    @Override
    public int priority() {
        return ModulePriority.CORE + 1;
    }

    @Override
    public List<DirectiveSpec<?>> directives() {
        return List.of(CoreDirectives.ALLOW_OVERWRITE, CoreDirectives.ALLOW_RETRIEVE_RESTART,
                CoreDirectives.ALLOW_STORE_RESTART, CoreDirectives.DELETE_ABORTED_STORES,
                CoreDirectives.HIDDEN_STORES, CoreDirectives.DEFAULT_TRANSFER_ASCII,
                CoreDirectives.STORE_UNIQUE_PREFIX, CoreDirectives.USE_SENDFILE, CoreDirectives.TIMEOUT_NO_TRANSFER,
                CoreDirectives.TIMEOUT_STALLED, AccessDirectives.MAX_STORE_FILE_SIZE,
                AccessDirectives.MAX_RETRIEVE_FILE_SIZE);
    }

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                CommandSpec.of("TYPE", this::type).withoutLogin().commandClass(CommandClass.MISC)
                        .help("<sp> type-code (A, I, L 7, L 8)"),
                CommandSpec.of("STRU", this::stru).commandClass(CommandClass.MISC)
                        .help("is not implemented (always F)"),
                CommandSpec.of("MODE", this::mode).commandClass(CommandClass.MISC)
                        .help("is not implemented (always S)"),
                CommandSpec.of("ALLO", this::allo).commandClass(CommandClass.MISC).help("<sp> size"),
                CommandSpec.of("SMNT", c -> c.error(502, "SMNT command not implemented"))
                        .commandClass(CommandClass.MISC).help("is not implemented"),
                CommandSpec.of("REST", this::rest).commandClass(CommandClass.MISC).help("<sp> byte-count"),
                CommandSpec.of("RETR", this::retr).group("READ").commandClass(CommandClass.READ)
                        .help("<sp> pathname"),
                CommandSpec.of("STOR", c -> store(c, false)).group("WRITE").commandClass(CommandClass.WRITE)
                        .help("<sp> pathname"),
                CommandSpec.of("APPE", c -> store(c, true)).group("WRITE").commandClass(CommandClass.WRITE)
                        .help("<sp> pathname"),
                CommandSpec.of("STOU", this::stou).group("WRITE").commandClass(CommandClass.WRITE)
                        .help("(store unique filename)"),
                CommandSpec.of("ABOR", this::abor).commandClass(CommandClass.MISC)
                        .help("(abort current operation)"),
                CommandSpec.of(Phase.LOG_CMD, "RETR", this::logTransfer),
                CommandSpec.of(Phase.LOG_CMD, "STOR", this::logTransfer),
                CommandSpec.of(Phase.LOG_CMD, "APPE", this::logTransfer),
                CommandSpec.of(Phase.LOG_CMD, "STOU", this::logTransfer),
                CommandSpec.of(Phase.LOG_CMD_ERR, "RETR", this::logTransfer),
                CommandSpec.of(Phase.LOG_CMD_ERR, "STOR", this::logTransfer),
                CommandSpec.of(Phase.LOG_CMD_ERR, "APPE", this::logTransfer),
                CommandSpec.of(Phase.LOG_CMD_ERR, "STOU", this::logTransfer),
                CommandSpec.of(Phase.LOG_CMD_ERR, "RETR", this::resetData),
                CommandSpec.of(Phase.LOG_CMD_ERR, "STOR", this::resetData),
                CommandSpec.of(Phase.LOG_CMD_ERR, "APPE", this::resetData),
                CommandSpec.of(Phase.LOG_CMD_ERR, "STOU", this::resetData),
                CommandSpec.of(Phase.LOG_CMD, "DELE", this::logDelete));
    }

    // ---------------------------------------------------------------- parameters

    private Outcome type(Command c) throws FtpReplyException {
        List<String> a = c.arguments();
        if (a.isEmpty() || a.size() > 2) {
            throw notUnderstood(c);
        }
        SessionImpl s = session(c);
        String t = a.get(0);
        String upper = t.toUpperCase(Locale.ROOT);
        String size = a.size() == 2 ? a.get(1) : null;
        if (upper.equals("A") || (upper.equals("L") && "7".equals(size))) {
            s.ascii(true);
            return c.reply(200, "Type set to " + t);
        }
        if (upper.equals("I") || (upper.equals("L") && "8".equals(size))) {
            s.ascii(false);
            return c.reply(200, "Type set to " + t);
        }
        return c.error(504, "TYPE not implemented for '" + t + "' parameter");
    }

    private Outcome stru(Command c) {
        if (c.arguments().size() != 1) {
            return c.error(501, "'" + Support.displayable(c) + "' not understood");
        }
        return switch (c.arguments().get(0).toUpperCase(Locale.ROOT)) {
            case "F" -> c.reply(200, "Structure set to F");
            case "R", "P" -> c.error(504, "'" + Support.displayable(c) + "' unsupported structure type");
            default -> c.error(501, "'" + Support.displayable(c) + "' unrecognized structure type");
        };
    }

    private Outcome mode(Command c) {
        if (c.arguments().size() != 1) {
            return c.error(501, "'" + Support.displayable(c) + "' not understood");
        }
        return switch (c.arguments().get(0).toUpperCase(Locale.ROOT)) {
            case "S" -> c.reply(200, "Mode set to S");
            case "B", "C" -> c.error(504, "'" + Support.displayable(c) + "' unsupported transfer mode");
            default -> c.error(501, "'" + Support.displayable(c) + "' unrecognized transfer mode");
        };
    }

    private Outcome allo(Command c) {
        List<String> a = c.arguments();
        if (a.size() != 1 && a.size() != 3) {
            return c.error(504, "'" + Support.displayable(c) + "' not understood");
        }
        if (!a.get(0).matches("\\d+")) {
            return c.error(504, c.argument() + ": Invalid ALLO argument");
        }
        return c.reply(202, "No storage allocation necessary");
    }

    private Outcome rest(Command c) throws FtpReplyException {
        if (c.arguments().size() != 1) {
            throw notUnderstood(c);
        }
        String word = c.arguments().get(0);
        if (word.startsWith("+")) {
            word = word.substring(1);
        }
        long offset;
        if (!word.matches("\\d{1,19}")) {
            return c.error(501, "REST requires a value greater than or equal to 0");
        }
        try {
            offset = Long.parseLong(word);
        } catch (NumberFormatException e) {
            return c.error(501, "REST requires a value greater than or equal to 0");
        }
        SessionImpl s = session(c);
        if (offset != 0 && s.ascii()) {
            return c.error(501, "REST: Resuming transfers not allowed in ASCII mode");
        }
        s.restartOffset(offset);
        return c.reply(350, "Restarting at " + offset + ". Send STORE or RETRIEVE to initiate transfer");
    }

    private Outcome abor(Command c) throws FtpReplyException {
        if (!c.arguments().isEmpty()) {
            throw notUnderstood(c);
        }
        session(c).data().closeQuietly();
        return c.reply(226, "Abort successful");
    }

    // ---------------------------------------------------------------- RETR

    private Outcome retr(Command c) throws FtpReplyException {
        if (c.argument().isEmpty()) {
            throw notUnderstood(c);
        }
        SessionImpl s = session(c);
        String arg = c.argument();
        long offset = s.restartOffset();
        s.restartOffset(0);
        Path file = resolveFollowing(c, arg);
        checkAllowed(c, file, arg);
        c.notes().put(NOTE_PATH, file);
        BasicFileAttributes attrs;
        try {
            attrs = s.attributes(file);
        } catch (IOException e) {
            throw Support.failure(arg, e);
        }
        if (!attrs.isRegularFile()) {
            return c.error(550, arg + ": Not a regular file");
        }
        if (offset > 0 && !s.configFor(file).value(CoreDirectives.ALLOW_RETRIEVE_RESTART)) {
            return c.error(451, arg + ": Restart not permitted, try again");
        }
        if (offset > attrs.size()) {
            return c.error(554, "REST: invalid " + arg + " argument");
        }
        FileChannel in;
        try {
            in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw Support.failure(arg, e);
        }
        long remaining = attrs.size() - offset;
        String opening = "Opening " + (s.ascii() ? "ASCII" : "BINARY") + " mode data connection for " + arg
                + (remaining == 0 ? "" : " (" + remaining + (remaining == 1 ? " byte)" : " bytes)"));
        boolean ascii = s.ascii();
        long max = sizeLimit(s, file, AccessDirectives.MAX_RETRIEVE_FILE_SIZE);
        boolean tooLarge = max >= 0 && attrs.size() > max;
        // UseSendfile off: read into buffers and written (the file's configuration is the command's,
        // already built by the checks above)
        BufferPool buffered = s.configFor(file).value(CoreDirectives.USE_SENDFILE) ? null : s.runtime().buffers();
        try (in) {
            return DataTransfer.run(c, arg, file, Transfer.Direction.OUTGOING, attrs.size(), opening, (data, t) -> {
                if (tooLarge) {
                    throw new DataTransfer.Refused("Operation not permitted");
                }
                return ascii ? Transfers.sendAscii(in, offset, data, t)
                        : Transfers.sendBinary(in, file, attrs.fileKey(), offset, attrs.size(), data, t, s.runtime().smallFileBuffers(), buffered);
            }, aborted -> { }, !ascii && !tooLarge);
        } catch (IOException e) {
            return c.error(451, arg + ": " + Errors.text(e));
        }
    }

    // ---------------------------------------------------------------- STOR / APPE / STOU

    private Outcome store(Command c, boolean append) throws FtpReplyException {
        if (c.argument().isEmpty()) {
            throw notUnderstood(c);
        }
        SessionImpl s = session(c);
        String arg = c.argument();
        long offset = s.restartOffset();
        s.restartOffset(0);
        Path target = resolve(c, arg);
        checkAllowed(c, target, arg);
        Support.checkPathFilters(c, target, arg);
        c.notes().put(NOTE_PATH, target);
        var dirConfig = s.configFor(target);
        boolean exists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        boolean isLink = Files.isSymbolicLink(target);
        if (isLink) {
            Path followed = resolveFollowing(c, arg);
            exists = Files.exists(followed);
            target = followed;
        }
        if (exists && !append && offset == 0 && !dirConfig.value(CoreDirectives.ALLOW_OVERWRITE)) {
            return c.error(550, arg + ": Overwrite permission denied");
        }
        if (exists && !Files.isRegularFile(target)) {
            return c.error(550, arg + ": Not a regular file");
        }
        if (exists && (append || offset > 0) && !dirConfig.value(CoreDirectives.ALLOW_STORE_RESTART)) {
            return c.error(451, arg + ": Append/Restart not permitted, try again");
        }
        CoreDirectives.HiddenStores hidden = dirConfig.value(CoreDirectives.HIDDEN_STORES);
        if (hidden.on() && offset > 0) {
            return c.error(501, "REST not compatible with server configuration");
        }
        long currentSize = 0;
        try {
            currentSize = exists ? Files.size(target) : 0;
        } catch (IOException e) {
            throw Support.failure(arg, e);
        }
        if (offset > currentSize) {
            return c.error(554, "REST: invalid " + arg + " argument");
        }
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return c.error(550, arg + ": No such file or directory");
        }
        boolean useHidden = hidden.on() && !append;
        Path writeTo = useHidden ? parent.resolve(hidden.prefix() + target.getFileName() + hidden.suffix()) : target;
        if (useHidden && Files.exists(writeTo, LinkOption.NOFOLLOW_LINKS)) {
            return c.error(550, arg + ": Temporary hidden file " + writeTo.getFileName() + " already exists");
        }
        long start = append ? currentSize : offset;
        boolean truncate = !append && offset == 0;
        return receive(c, s, arg, target, writeTo, start, truncate, !exists || useHidden, useHidden, dirConfig,
                "Opening " + (s.ascii() ? "ASCII" : "BINARY") + " mode data connection for " + arg);
    }

    private Outcome stou(Command c) throws FtpReplyException {
        if (c.arguments().size() > 1) {
            throw notUnderstood(c);
        }
        SessionImpl s = session(c);
        if (s.restartOffset() != 0) {
            s.restartOffset(0);
            return c.error(550, "STOU incompatible with REST");
        }
        String prefix = s.config().value(CoreDirectives.STORE_UNIQUE_PREFIX);
        if (prefix.isEmpty()) {
            prefix = "ftp";
        }
        Path dir;
        try {
            dir = s.files().resolve(".");
        } catch (NoSuchFileException e) {
            return c.error(450, "STOU: unable to generate unique filename");
        }
        Path created = null;
        for (int attempt = 0; attempt < 100 && created == null; attempt++) {
            StringBuilder name = new StringBuilder(prefix);
            for (int i = 0; i < 6; i++) {
                name.append(UNIQUE_CHARS.charAt(random.nextInt(UNIQUE_CHARS.length())));
            }
            Path candidate = dir.resolve(name.toString());
            try {
                Files.createFile(candidate);
                created = candidate;
            } catch (FileAlreadyExistsException taken) {
                // try another name
            } catch (IOException e) {
                return c.error(450, "STOU: unable to generate unique filename");
            }
        }
        if (created == null) {
            return c.error(450, "STOU: unable to generate unique filename");
        }
        String name = created.getFileName().toString();
        checkAllowed(c, created, name);
        c.notes().put(NOTE_PATH, created);
        var dirConfig = s.configFor(created);
        return receive(c, s, name, created, created, 0, true, true, false, dirConfig, "FILE: " + name);
    }

    private Outcome receive(Command c, SessionImpl s, String arg, Path target, Path writeTo, long start,
            boolean truncate, boolean created, boolean hidden, org.modftpd.api.Config dirConfig, String opening) {
        List<OpenOption> options = new ArrayList<>(List.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS));
        if (truncate) {
            options.add(StandardOpenOption.TRUNCATE_EXISTING);
        }
        FileChannel out;
        try {
            out = FileChannel.open(writeTo, Set.copyOf(options));
            if (created) {
                int umask = dirConfig.value(CoreDirectives.UMASK).file();
                Files.setPosixFilePermissions(writeTo, Support.permissions(0666 & ~umask));
            }
        } catch (IOException e) {
            return c.error(550, arg + ": " + Errors.text(e));
        }
        boolean ascii = s.ascii();
        long limit = sizeLimit(s, target, AccessDirectives.MAX_STORE_FILE_SIZE);
        long maxBytes = limit < 0 ? -1 : Math.max(0, limit - start);
        boolean deleteAborted = dirConfig.value(CoreDirectives.DELETE_ABORTED_STORES) || hidden;
        Outcome result;
        try (out) {
            result = DataTransfer.run(c, arg, target, Transfer.Direction.INCOMING, -1, opening, (data, t) -> {
                if (ascii) {
                    return Transfers.receiveAscii(data, out, start, t, maxBytes);
                }
                ByteBuffer buffer = s.runtime().buffers().take();
                try {
                    return Transfers.receiveBinary(data, out, start, buffer, t,
                            maxBytes);
                } finally {
                    s.runtime().buffers().give(buffer);
                }
            }, failure -> {
                if (deleteAborted || failure == DataTransfer.Failure.TOO_LARGE) {
                    deleteQuietly(writeTo);
                }
            });
        } catch (IOException e) {
            return c.error(550, arg + ": " + Errors.text(e));
        }
        if (result == Outcome.HANDLED && hidden) {
            try {
                Files.move(writeTo, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                deleteQuietly(writeTo);
                return c.error(550, arg + ": " + Errors.text(e));
            }
        }
        return result;
    }

    /**
     * MaxStoreFileSize / MaxRetrieveFileSize for a path: the first rule whose user, group or class
     * expression matches the session, else the first rule without one; -1 for no limit.
     */
    static long sizeLimit(SessionImpl s, Path path, org.modftpd.api.DirectiveSpec<AccessDirectives.SizeLimit> spec) {
        List<AccessDirectives.SizeLimit> rules = s.config().forPath(path).getAll(spec);
        AccessDirectives.SizeLimit fallback = null;
        for (AccessDirectives.SizeLimit rule : rules) {
            if (rule.scope().isEmpty()) {
                if (fallback == null) {
                    fallback = rule;
                }
                continue;
            }
            List<String> candidates = switch (rule.scope().get()) {
                case "user" -> s.identity().map(i -> List.of(i.name())).orElse(List.of());
                case "group" -> s.identity().map(i -> i.groupNames()).orElse(List.of());
                default -> s.connectionClass().map(List::of).orElse(List.of());
            };
            if (org.modftpd.api.NameExpression.parse(rule.expression(),
                    rule.scope().get().equals("group")).matches(candidates)) {
                return rule.bytes();
            }
        }
        return fallback == null ? -1 : fallback.bytes();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // nothing more to do for a partial file that cannot be removed
        }
    }

    // ---------------------------------------------------------------- TransferLog

    private Outcome logTransfer(Command c) {
        SessionImpl s = session(c);
        Optional<Transfer> t = c.transfer();
        if (t.isEmpty()) {
            return Outcome.DECLINED;
        }
        Transfer x = t.get();
        char direction = x.direction() == Transfer.Direction.INCOMING ? 'i' : 'o';
        write(s, x.path(), x.bytes(), x.elapsed().toSeconds(), x.ascii(), direction, x.completed());
        return Outcome.DECLINED;
    }

    /** A failed transfer drops the prepared data connection (a PASV listener), as ProFTPD's pr_data_reset. */
    private Outcome resetData(Command c) {
        session(c).data().closeQuietly();
        return Outcome.DECLINED;
    }

    private Outcome logDelete(Command c) {
        SessionImpl s = session(c);
        Object path = c.notes().get(NOTE_PATH);
        Object size = c.notes().get(NOTE_DELETED_SIZE);
        if (path instanceof Path p && size instanceof Long n) {
            write(s, p, n, 0, s.ascii(), 'd', true);
        }
        return Outcome.DECLINED;
    }

    private static void write(SessionImpl s, Path path, long bytes, long seconds, boolean ascii, char direction,
            boolean complete) {
        Optional<String> file = s.config().value(CoreDirectives.TRANSFER_LOG, path);
        if (file.isEmpty()) {
            return;
        }
        boolean anonymous = s.identity().map(i -> i.anonymous()).orElse(false);
        String user = anonymous ? String.valueOf(s.notes().getOrDefault("mod_auth.anon-passwd",
                s.identity().get().name())) : s.identity().map(i -> i.name()).orElse("-");
        if (user.isEmpty()) {
            user = s.identity().map(i -> i.name()).orElse("-");
        }
        TransferLog.Entry entry = new TransferLog.Entry(ZonedDateTime.now(), seconds,
                Addresses.text(s.remoteAddress().getAddress()), bytes, path.toAbsolutePath().toString(), ascii,
                direction, anonymous ? 'a' : 'r', user, complete);
        try {
            s.runtime().transferLog().write(Path.of(file.get()), entry);
        } catch (IOException e) {
            s.log().error("unable to write TransferLog " + file.get() + ": " + Errors.text(e));
        }
    }
}

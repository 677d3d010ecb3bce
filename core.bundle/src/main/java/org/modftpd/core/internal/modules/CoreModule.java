package org.modftpd.core.internal.modules;

import static org.modftpd.core.internal.modules.Support.checkAllowed;
import static org.modftpd.core.internal.modules.Support.failure;
import static org.modftpd.core.internal.modules.Support.invalidParameters;
import static org.modftpd.core.internal.modules.Support.quote;
import static org.modftpd.core.internal.modules.Support.requireArgument;
import static org.modftpd.core.internal.modules.Support.requireNoArgument;
import static org.modftpd.core.internal.modules.Support.resolve;
import static org.modftpd.core.internal.modules.Support.resolveFollowing;
import static org.modftpd.core.internal.modules.Support.session;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.modftpd.api.Command;
import org.modftpd.api.Command.Outcome;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.api.FtpReplyException;
import org.modftpd.core.internal.config.ServerConfig;
import org.modftpd.core.internal.dispatch.CommandImpl;
import org.modftpd.core.internal.dispatch.ModuleTable;
import org.modftpd.core.internal.fs.JailedFileView;
import org.modftpd.core.internal.protocol.Addresses;
import org.modftpd.core.internal.session.DataChannel;
import org.modftpd.core.internal.session.Display;
import org.modftpd.core.internal.session.SessionImpl;
import org.modftpd.spi.CommandSpec;
import org.modftpd.spi.CommandSpec.CommandClass;
import org.modftpd.spi.FtpModule;
import org.modftpd.spi.ModulePriority;
import org.modftpd.spi.Phase;
import org.osgi.service.component.annotations.Component;
import org.modftpd.core.internal.protocol.Addresses;

/**
 * mod_core.c: the server's directives and the commands of ProFTPD's mod_core (HELP, PORT, PASV, EPRT,
 * EPSV, SYST, PWD, CWD, CDUP, MKD, RMD, DELE, MDTM, RNFR, RNTO, SIZE, QUIT, NOOP, FEAT, OPTS, HOST,
 * CLNT, CSID).
 */
@Component(service = FtpModule.class)
public final class CoreModule implements FtpModule {

    static final String RNFR_NOTE = "mod_core.rnfr-path";
    private static final DateTimeFormatter MDTM = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
            .withZone(ZoneOffset.UTC);
    private static final Set<String> ALLOWED_AFTER_RNFR = Set.of("RNTO", "HELP", "NOOP", "QUIT", "STAT");

    /** The canonical order of ProFTPD's HELP listing; a star marks what is not implemented. */
    private static final List<String> HELP_ORDER = List.of("CWD", "XCWD", "CDUP", "XCUP", "SMNT", "QUIT", "PORT",
            "PASV", "EPRT", "EPSV", "ALLO", "RNFR", "RNTO", "DELE", "MDTM", "RMD", "XRMD", "MKD", "XMKD", "PWD",
            "XPWD", "SIZE", "SYST", "HELP", "NOOP", "FEAT", "OPTS", "HOST", "CLNT", "AUTH", "CCC", "CONF", "ENC",
            "MIC", "PBSZ", "PROT", "TYPE", "STRU", "MODE", "RETR", "STOR", "STOU", "APPE", "REST", "ABOR", "RANG",
            "USER", "PASS", "ACCT", "REIN", "LIST", "NLST", "STAT", "SITE", "MLSD", "MLST");
    private static final Set<String> NEVER_IMPLEMENTED = Set.of("SMNT", "ACCT", "REIN", "CONF", "ENC", "MIC", "RANG");

    @Override
    public String name() {
        return "mod_core.c";
    }

    @Override
    public int priority() {
        return ModulePriority.CORE;
    }

    @Override
    public List<DirectiveSpec<?>> directives() {
        List<DirectiveSpec<?>> d = new ArrayList<>(List.of(CoreDirectives.SERVER_NAME, CoreDirectives.SERVER_TYPE_INETD,
                CoreDirectives.PORT, CoreDirectives.DEFAULT_ADDRESS, CoreDirectives.DEFAULT_SERVER,
                CoreDirectives.SOCKET_BIND_TIGHT, CoreDirectives.USE_IPV6, CoreDirectives.USE_REVERSE_DNS,
                CoreDirectives.TCP_BACKLOG, CoreDirectives.MASQUERADE_ADDRESS, CoreDirectives.PASSIVE_PORTS,
                CoreDirectives.ALLOW_FOREIGN_ADDRESS, CoreDirectives.TIMEOUT_IDLE, CoreDirectives.TIMEOUT_LINGER,
                CoreDirectives.MAX_INSTANCES, CoreDirectives.SERVER_IDENT, CoreDirectives.DEFER_WELCOME,
                CoreDirectives.SERVER_ALIAS, CoreDirectives.SERVER_ADMIN, CoreDirectives.MULTILINE_RFC2228, CoreDirectives.DISPLAY_CONNECT,
                CoreDirectives.DISPLAY_QUIT, CoreDirectives.TIMES_GMT, CoreDirectives.UMASK,
                CoreDirectives.TRANSFER_LOG, CoreDirectives.SYSTEM_LOG, CoreDirectives.AUTH_ORDER,
                CoreDirectives.SHUTDOWN_MESSAGE_FILE,
                CoreDirectives.COMMAND_BUFFER_SIZE, CoreDirectives.ALLOW_OVERRIDE, CoreDirectives.ORDER,
                CoreDirectives.ALLOW, CoreDirectives.DENY, CoreDirectives.ALLOW_ALL, CoreDirectives.DENY_ALL,
                CoreDirectives.ALLOW_USER, CoreDirectives.DENY_USER, CoreDirectives.ALLOW_GROUP,
                CoreDirectives.DENY_GROUP, CoreDirectives.ALLOW_CLASS, CoreDirectives.DENY_CLASS,
                CoreDirectives.IGNORE_HIDDEN, CoreDirectives.FROM, CoreDirectives.SATISFY_ALL,
                AccessDirectives.HIDE_FILES, AccessDirectives.HIDE_USER, AccessDirectives.HIDE_GROUP,
                AccessDirectives.HIDE_NO_ACCESS, AccessDirectives.ALLOW_FILTER, AccessDirectives.DENY_FILTER,
                AccessDirectives.PATH_ALLOW_FILTER, AccessDirectives.PATH_DENY_FILTER));
        d.addAll(CoreDirectives.daemonOnlySpecs());
        return d;
    }

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                CommandSpec.of(Phase.PRE_CMD, CommandSpec.ANY, this::pendingRename),
                CommandSpec.of(Phase.PRE_CMD, CommandSpec.ANY, this::argumentFilters),
                CommandSpec.of("HELP", this::help).withoutLogin().commandClass(CommandClass.INFO)
                        .help("[<sp> command]"),
                CommandSpec.of("PORT", this::port).commandClass(CommandClass.MISC).help("<sp> h1,h2,h3,h4,p1,p2"),
                CommandSpec.of("PASV", this::pasv).commandClass(CommandClass.MISC).help("(returns address/port)"),
                CommandSpec.of("EPRT", this::eprt).commandClass(CommandClass.MISC).help("<sp> |proto|addr|port|"),
                CommandSpec.of("EPSV", this::epsv).commandClass(CommandClass.MISC).help("(returns port |||port|)"),
                CommandSpec.of("SYST", c -> c.reply(215, "UNIX Type: L8")).withoutLogin()
                        .commandClass(CommandClass.INFO).help("(returns system type)"),
                CommandSpec.of("PWD", this::pwd).group("DIRS").commandClass(CommandClass.INFO)
                        .help("(returns current working directory)"),
                CommandSpec.of("XPWD", this::pwd).group("DIRS").commandClass(CommandClass.INFO)
                        .help("(returns current working directory)"),
                CommandSpec.of("CWD", this::cwd).group("DIRS").commandClass(CommandClass.DIRS).help("<sp> pathname"),
                CommandSpec.of("XCWD", this::cwd).group("DIRS").commandClass(CommandClass.DIRS).help("<sp> pathname"),
                CommandSpec.of("CDUP", this::cdup).group("DIRS").commandClass(CommandClass.DIRS)
                        .help("(up one directory)"),
                CommandSpec.of("XCUP", this::cdup).group("DIRS").commandClass(CommandClass.DIRS)
                        .help("(up one directory)"),
                CommandSpec.of("MKD", this::mkd).group("WRITE").commandClass(CommandClass.DIRS).help("<sp> pathname"),
                CommandSpec.of("XMKD", this::mkd).group("WRITE").commandClass(CommandClass.DIRS).help("<sp> pathname"),
                CommandSpec.of("RMD", this::rmd).group("WRITE").commandClass(CommandClass.DIRS).help("<sp> pathname"),
                CommandSpec.of("XRMD", this::rmd).group("WRITE").commandClass(CommandClass.DIRS).help("<sp> pathname"),
                CommandSpec.of("DELE", this::dele).group("WRITE").commandClass(CommandClass.WRITE)
                        .help("<sp> pathname"),
                CommandSpec.of("MDTM", this::mdtm).group("DIRS").commandClass(CommandClass.INFO).help("<sp> pathname"),
                CommandSpec.of("RNFR", this::rnfr).group("WRITE").commandClass(CommandClass.WRITE)
                        .help("<sp> pathname"),
                CommandSpec.of("RNTO", this::rnto).group("WRITE").commandClass(CommandClass.WRITE)
                        .help("<sp> pathname"),
                CommandSpec.of("SIZE", this::size).group("READ").commandClass(CommandClass.INFO).help("<sp> pathname"),
                CommandSpec.of("QUIT", this::quit).withoutLogin().commandClass(CommandClass.DISCONNECT)
                        .help("(close control connection)"),
                CommandSpec.of("NOOP", c -> Support.allowed(c, null) ? c.reply(200, "NOOP command successful")
                        : c.error(550, "Permission denied")).withoutLogin()
                        .commandClass(CommandClass.MISC).help("(no operation)"),
                CommandSpec.of("FEAT", this::feat).withoutLogin().commandClass(CommandClass.INFO)
                        .help("(returns feature list)"),
                CommandSpec.of("OPTS", this::opts).withoutLogin().commandClass(CommandClass.MISC)
                        .help("<sp> command [<sp> options]"),
                CommandSpec.of("HOST", this::host).withoutLogin().commandClass(CommandClass.AUTH)
                        .help("<cp> hostname"),
                CommandSpec.of("CLNT", c -> c.reply(200, "OK")).withoutLogin().commandClass(CommandClass.INFO)
                        .help("<cp> client-info"),
                CommandSpec.of("CSID", this::csid).commandClass(CommandClass.INFO));
    }

    // ---------------------------------------------------------------- rename guard

    private Outcome pendingRename(Command c) {
        SessionImpl s = session(c);
        if (s.renameFrom() != null && !ALLOWED_AFTER_RNFR.contains(c.verb())) {
            return c.error(501, "Bad sequence of commands");
        }
        return Outcome.DECLINED;
    }

    /** AllowFilter and DenyFilter: every command argument (but passwords) must pass them. */
    private Outcome argumentFilters(Command c) {
        if (c.argument().isEmpty() || c.verb().equals("PASS")) {
            return Outcome.DECLINED;
        }
        var view = session(c).currentDirectoryConfig();
        var allow = view.get(AccessDirectives.ALLOW_FILTER);
        var deny = view.get(AccessDirectives.DENY_FILTER);
        if (allow.isPresent() && !allow.get().matches(c.argument())
                || deny.isPresent() && deny.get().matches(c.argument())) {
            return c.error(550, c.argument() + ": Forbidden command argument");
        }
        return Outcome.DECLINED;
    }

    // ---------------------------------------------------------------- HELP

    private Outcome help(Command c) throws FtpReplyException {
        if (!Support.allowed(c, null)) {
            return c.error(501, "HELP: Permission denied");
        }
        ModuleTable table = session(c).runtime().modules();
        Map<String, String> entries = table.helpEntries();
        if (c.arguments().isEmpty()) {
            List<String> names = new ArrayList<>();
            for (String v : HELP_ORDER) {
                names.add(implemented(v, entries) ? v : v + "*");
            }
            for (String v : entries.keySet()) {
                if (!HELP_ORDER.contains(v) && !v.startsWith("SITE_") && !v.startsWith("OPTS_")) {
                    names.add(v);
                }
            }
            c.reply(214, "The following commands are recognized (* =>'s unimplemented):");
            StringBuilder row = new StringBuilder();
            int inRow = 0;
            for (String n : names) {
                row.append(String.format(Locale.ROOT, "%-8s", n));
                if (++inRow == 8) {
                    c.reply(214, row.toString());
                    row.setLength(0);
                    inRow = 0;
                }
            }
            if (inRow > 0) {
                c.reply(214, row.toString());
            }
            return c.reply(214, "Direct comments to " + Display.serverAdmin(session(c)));
        }
        String verb = c.arguments().get(0).toUpperCase(Locale.ROOT);
        if (verb.equals("SITE")) {
            CommandImpl nested = new CommandImpl("SITE_HELP", "", c.session(), "");
            try {
                session(c).dispatchNested(nested);
            } catch (IOException e) {
                throw new FtpReplyException(451, "Requested action aborted: local error in processing");
            }
            return Outcome.HANDLED;
        }
        String syntax = entries.get(verb);
        if (syntax == null) {
            return c.error(502, "Unknown command '" + verb + "'");
        }
        return c.reply(214, "Syntax: " + verb + " " + syntax);
    }

    private static boolean implemented(String verb, Map<String, String> entries) {
        return !NEVER_IMPLEMENTED.contains(verb) && entries.containsKey(verb);
    }

    // ---------------------------------------------------------------- data channel setup

    private Outcome pasv(Command c) throws FtpReplyException {
        SessionImpl s = session(c);
        requireNoArgument(c);
        if (s.data().epsvAll()) {
            return c.error(500, "Illegal PASV command, EPSV ALL in effect");
        }
        if (!Support.allowed(c, null)) {
            return c.error(501, "PASV: Operation not permitted");
        }
        InetAddress local = s.localAddress().getAddress();
        if (local instanceof Inet6Address) {
            return c.error(522, "PASV is not possible on an IPv6 connection; use EPSV");
        }
        DataChannel.Listening l = listen(c, s, local);
        String shown = s.advertisedAddress();
        InetAddress shownAddr;
        try {
            shownAddr = InetAddress.getByName(shown);
        } catch (UnknownHostException e) {
            shownAddr = local;
        }
        if (!(shownAddr instanceof Inet4Address)) {
            shownAddr = local;
        }
        byte[] a = shownAddr.getAddress();
        return c.reply(227, "Entering Passive Mode (" + (a[0] & 0xFF) + "," + (a[1] & 0xFF) + "," + (a[2] & 0xFF)
                + "," + (a[3] & 0xFF) + "," + (l.port() >> 8) + "," + (l.port() & 0xFF) + ").");
    }

    private Outcome epsv(Command c) throws FtpReplyException {
        SessionImpl s = session(c);
        boolean ipv6 = s.value(CoreDirectives.USE_IPV6);
        if (c.arguments().size() == 1) {
            String arg = c.arguments().get(0);
            if (arg.equalsIgnoreCase("ALL")) {
                s.data().epsvAll(true);
                return c.reply(200, "EPSV ALL command successful");
            }
            int family;
            try {
                family = Integer.parseInt(arg);
            } catch (NumberFormatException e) {
                return c.error(501, "EPSV: unknown network protocol");
            }
            if (family != 1 && !(family == 2 && ipv6)) {
                return c.error(522, "Network protocol not supported, use " + (ipv6 ? "(1,2)" : "(1)"));
            }
        }
        if (!Support.allowed(c, null)) {
            return c.error(501, "EPSV: Operation not permitted");
        }
        DataChannel.Listening l = listen(c, s, s.localAddress().getAddress());
        return c.reply(229, "Entering Extended Passive Mode (|||" + l.port() + "|)");
    }

    private DataChannel.Listening listen(Command c, SessionImpl s, InetAddress local) throws FtpReplyException {
        Optional<CoreDirectives.PortRange> range = s.config().get(CoreDirectives.PASSIVE_PORTS);
        try {
            DataChannel.Listening l = s.data().listen(local, range.orElse(null));
            if (l.fellBack()) {
                s.log().notice("unable to find open port in PassivePorts range " + range.get().min() + "-"
                        + range.get().max() + ": defaulting to INPORT_ANY (consider defining a larger PassivePorts"
                        + " range)");
            }
            return l;
        } catch (IOException e) {
            s.log().warn("unable to open a passive data socket on " + local.getHostAddress() + ": " + e);
            throw new FtpReplyException(425, "Unable to build data connection: Internal error");
        }
    }

    private Outcome port(Command c) throws FtpReplyException {
        SessionImpl s = session(c);
        if (c.arguments().size() != 1) {
            throw invalidParameters();
        }
        if (s.data().epsvAll()) {
            return c.error(500, "Illegal PORT command, EPSV ALL in effect");
        }
        if (!Support.allowed(c, null)) {
            return c.error(501, "PORT: Operation not permitted");
        }
        String arg = c.arguments().get(0);
        String[] parts = arg.split(",");
        if (parts.length != 6) {
            return c.error(501, "Illegal PORT command");
        }
        int[] v = new int[6];
        for (int i = 0; i < 6; i++) {
            try {
                v[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                return c.error(501, "Illegal PORT command");
            }
            if (v[i] < 0 || v[i] > 255) {
                return c.error(501, "Illegal PORT command");
            }
        }
        int port = v[4] * 256 + v[5];
        if ((v[0] | v[1] | v[2] | v[3]) == 0 || port == 0) {
            return c.error(501, "Illegal PORT command");
        }
        InetAddress address;
        try {
            address = InetAddress.getByAddress(new byte[] {(byte) v[0], (byte) v[1], (byte) v[2], (byte) v[3]});
        } catch (UnknownHostException e) {
            return c.error(501, "Illegal PORT command");
        }
        InetAddress client = s.remoteAddress().getAddress();
        boolean foreignOk = s.allowForeign(s.value(CoreDirectives.ALLOW_FOREIGN_ADDRESS));
        if (client instanceof Inet6Address && !foreignOk) {
            s.log().warn("Refused PORT " + arg + " (IPv4/IPv6 address mismatch)");
            return c.error(500, "Illegal PORT command");
        }
        if (!address.equals(client) && address.isSiteLocalAddress() && !client.isSiteLocalAddress()
                && !s.localAddress().getAddress().isSiteLocalAddress()) {
            s.log().debug("client sent RFC1918 address " + Addresses.text(address) + " in PORT, using "
                    + Addresses.text(client) + " instead");
            address = client;
        }
        if (!foreignOk && !address.equals(client)) {
            s.log().warn("Refused PORT " + arg + " (address mismatch)");
            return c.error(500, "Illegal PORT command");
        }
        if (port < 1024) {
            s.log().warn("Refused PORT " + arg + " (port " + port + " below 1024, possible bounce attack)");
            return c.error(500, "Illegal PORT command");
        }
        s.data().activeTarget(new InetSocketAddress(address, port));
        return c.reply(200, "PORT command successful");
    }

    private Outcome eprt(Command c) throws FtpReplyException {
        SessionImpl s = session(c);
        if (c.arguments().size() != 1) {
            throw invalidParameters();
        }
        if (s.data().epsvAll()) {
            return c.error(500, "Illegal EPRT command, EPSV ALL in effect");
        }
        if (!Support.allowed(c, null)) {
            return c.error(501, "EPRT: Operation not permitted");
        }
        String arg = c.arguments().get(0);
        if (arg.length() < 7) {
            return c.error(501, "Illegal EPRT command");
        }
        char delim = arg.charAt(0);
        if (delim < 33 || delim > 126) {
            return c.error(501, "Illegal EPRT command");
        }
        String[] parts = arg.substring(1).split(java.util.regex.Pattern.quote(String.valueOf(delim)), -1);
        if (parts.length != 4 || !parts[3].isEmpty()) {
            return c.error(501, "Illegal EPRT command");
        }
        boolean ipv6 = s.value(CoreDirectives.USE_IPV6);
        int family;
        int port;
        try {
            family = Integer.parseInt(parts[0]);
            port = Integer.parseInt(parts[2]);
        } catch (NumberFormatException e) {
            return c.error(501, "Illegal EPRT command");
        }
        if (family != 1 && !(family == 2 && ipv6)) {
            return c.error(522, "Network protocol not supported, use " + (ipv6 ? "(1,2)" : "(1)"));
        }
        if (port <= 0 || port > 65535) {
            return c.error(501, "Illegal EPRT command");
        }
        InetAddress address = parseLiteral(parts[1], family);
        if (address == null) {
            return c.error(501, "Illegal EPRT command");
        }
        InetAddress client = s.remoteAddress().getAddress();
        boolean foreignOk = s.allowForeign(s.value(CoreDirectives.ALLOW_FOREIGN_ADDRESS));
        if (!foreignOk && !SessionImpl.plain(address).equals(client)) {
            s.log().warn("Refused EPRT " + arg + " (address mismatch)");
            return c.error(500, "Illegal EPRT command");
        }
        if (port < 1024) {
            s.log().warn("Refused EPRT " + arg + " (port " + port + " below 1024, possible bounce attack)");
            return c.error(500, "Illegal EPRT command");
        }
        s.data().activeTarget(new InetSocketAddress(address, port));
        return c.reply(200, "EPRT command successful");
    }

    private static InetAddress parseLiteral(String text, int family) {
        if (family == 1 && !text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            return null;
        }
        if (family == 2 && (text.indexOf(':') < 0 || !text.matches("[0-9A-Fa-f:.]+"))) {
            return null;
        }
        try {
            InetAddress a = InetAddress.getByName(text);
            return (family == 1) == (a instanceof Inet4Address) ? a : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- directories

    private Outcome pwd(Command c) throws FtpReplyException {
        requireNoArgument(c);
        if (!Support.allowed(c, null)) {
            return c.error(550, c.verb() + ": Permission denied");
        }
        return c.reply(257, "\"" + quote(session(c).files().cwd()) + "\" is the current directory");
    }

    private Outcome cwd(Command c) throws FtpReplyException {
        requireArgument(c);
        return changeDirectory(c, c.argument());
    }

    private Outcome cdup(Command c) throws FtpReplyException {
        requireNoArgument(c);
        return changeDirectory(c, "..");
    }

    private Outcome changeDirectory(Command c, String arg) throws FtpReplyException {
        SessionImpl s = session(c);
        JailedFileView view = (JailedFileView) s.files();
        Path target = resolveFollowing(c, arg);
        checkAllowed(c, target, arg);
        if (!Files.exists(target)) {
            throw new FtpReplyException(550, arg + ": No such file or directory");
        }
        if (!Files.isDirectory(target)) {
            throw new FtpReplyException(550, arg + ": Not a directory");
        }
        if (!Files.isExecutable(target)) {
            throw new FtpReplyException(550, arg + ": Permission denied");
        }
        view.changeDirectory(view.clientPath(target));
        return c.reply(250, c.verb() + " command successful");
    }

    private Outcome mkd(Command c) throws FtpReplyException {
        requireArgument(c);
        String arg = c.argument();
        if (arg.indexOf('*') >= 0) {
            return c.error(550, arg + ": Invalid directory name");
        }
        SessionImpl s = session(c);
        Path dir = resolve(c, arg);
        checkAllowed(c, dir, arg);
        Support.checkPathFilters(c, dir, arg);
        try {
            Files.createDirectory(dir);
            CoreDirectives.Umask umask = s.configFor(dir).value(CoreDirectives.UMASK);
            Files.setPosixFilePermissions(dir, Support.permissions(0777 & ~umask.dir()));
        } catch (IOException e) {
            throw failure(arg, e);
        }
        return c.reply(257, "\"" + quote(s.files().absolute(arg)) + "\" - Directory successfully created");
    }

    private Outcome rmd(Command c) throws FtpReplyException {
        requireArgument(c);
        String arg = c.argument();
        Path dir = resolve(c, arg);
        checkAllowed(c, dir, arg);
        if (dir.equals(session(c).files().root())) {
            // the root of a chroot cannot be removed: rmdir("/") fails with EBUSY
            throw new FtpReplyException(550, arg + ": Device or resource busy");
        }
        if (!Files.isDirectory(dir, Support.NOFOLLOW)) {
            throw new FtpReplyException(550, arg + ": " + (Files.exists(dir, Support.NOFOLLOW)
                    ? "Not a directory" : "No such file or directory"));
        }
        try {
            Files.delete(dir);
        } catch (IOException e) {
            throw failure(arg, e);
        }
        return c.reply(250, c.verb() + " command successful");
    }

    private Outcome dele(Command c) throws FtpReplyException {
        requireArgument(c);
        String arg = c.argument();
        SessionImpl s = session(c);
        Path file = resolve(c, arg);
        checkAllowed(c, file, arg);
        long size;
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, Support.NOFOLLOW);
            if (attrs.isDirectory()) {
                throw new FtpReplyException(550, arg + ": Is a directory");
            }
            size = attrs.size();
            Files.delete(file);
        } catch (IOException e) {
            throw failure(arg, e);
        }
        c.notes().put(XferModule.NOTE_DELETED_SIZE, size);
        c.notes().put(XferModule.NOTE_PATH, file);
        return c.reply(250, "DELE command successful");
    }

    private Outcome mdtm(Command c) throws FtpReplyException {
        requireArgument(c);
        String arg = c.argument();
        Path file = resolveFollowing(c, arg);
        checkAllowed(c, file, arg);
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attrs.isRegularFile()) {
                return c.error(550, arg + ": not a plain file");
            }
            return c.reply(213, MDTM.format(attrs.lastModifiedTime().toInstant()));
        } catch (IOException e) {
            throw failure(arg, e);
        }
    }

    private Outcome size(Command c) throws FtpReplyException {
        requireArgument(c);
        SessionImpl s = session(c);
        String arg = c.argument();
        if (s.ascii()) {
            return c.error(550, "SIZE not allowed in ASCII mode");
        }
        Path file = resolveFollowing(c, arg);
        checkAllowed(c, file, arg);
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attrs.isRegularFile()) {
                return c.error(550, arg + ": not a regular file");
            }
            return c.reply(213, Long.toString(attrs.size()));
        } catch (IOException e) {
            throw failure(arg, e);
        }
    }

    private Outcome rnfr(Command c) throws FtpReplyException {
        requireArgument(c);
        String arg = c.argument();
        SessionImpl s = session(c);
        Path from = resolve(c, arg);
        checkAllowed(c, from, arg);
        if (!Files.exists(from, Support.NOFOLLOW)) {
            throw new FtpReplyException(550, arg + ": No such file or directory");
        }
        s.renameFrom(from, arg);
        s.notes().put(RNFR_NOTE, s.files().absolute(arg));
        return c.reply(350, "File or directory exists, ready for destination name");
    }

    private Outcome rnto(Command c) throws FtpReplyException {
        requireArgument(c);
        SessionImpl s = session(c);
        Path from = s.renameFrom();
        if (from == null) {
            return c.error(503, "Bad sequence of commands");
        }
        s.renameFrom(null, null);
        c.notes().put(RNFR_NOTE, from.toString());
        s.notes().remove(RNFR_NOTE);
        String arg = c.argument();
        Path to = resolve(c, arg);
        if (!Support.allowed(c, to)) {
            return c.error(550, arg + ": Operation not permitted");
        }
        Support.checkPathFilters(c, to, arg);
        if (Files.exists(to, Support.NOFOLLOW) && !s.configFor(to).value(CoreDirectives.ALLOW_OVERWRITE)) {
            return c.error(550, arg + ": Rename permission denied");
        }
        try {
            try {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException crossDevice) {
                if (Files.isDirectory(from, Support.NOFOLLOW)) {
                    return c.error(550, arg + ": Operation not permitted");
                }
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            }
        } catch (FileAlreadyExistsException e) {
            return c.error(550, arg + ": File exists");
        } catch (IOException e) {
            throw failure(arg, e);
        }
        return c.reply(250, "Rename successful");
    }

    // ---------------------------------------------------------------- session

    private Outcome quit(Command c) {
        SessionImpl s = session(c);
        Optional<String> file = s.config().get(CoreDirectives.DISPLAY_QUIT);
        List<String> lines = file.map(f -> Display.read(Path.of(f), s)).orElse(List.of());
        if (lines.isEmpty()) {
            c.reply(221, "Goodbye.");
        } else {
            for (String l : lines) {
                c.reply(221, l);
            }
        }
        s.endReason("Quit");
        s.quit();
        return Outcome.HANDLED;
    }

    private Outcome feat(Command c) throws FtpReplyException {
        requireNoArgument(c);
        if (!Support.allowed(c, null)) {
            return c.error(550, "FEAT: Permission denied");
        }
        SessionImpl s = session(c);
        List<String> features = new ArrayList<>(List.of("CLNT", "CSID", "HOST", "MDTM", "MFMT",
                "MFF modify;UNIX.group;UNIX.mode;", FactsModule.featLine(s), "REST STREAM", "SIZE", "TVFS"));
        if (Support.allowed(new CommandImpl("EPRT", "", s, ""), null)) {
            features.add("EPRT");
        }
        if (Support.allowed(new CommandImpl("EPSV", "", s, ""), null)) {
            features.add("EPSV");
        }
        features.sort(String.CASE_INSENSITIVE_ORDER);
        c.reply(211, "Features:");
        for (String f : features) {
            c.reply(211, f);
        }
        return c.reply(211, "End");
    }

    private Outcome opts(Command c) throws FtpReplyException {
        if (c.arguments().isEmpty()) {
            throw invalidParameters();
        }
        if (c.arguments().size() > 8) {
            return c.error(550, "OPTS: Invalid argument");
        }
        String option = c.arguments().get(0).toUpperCase(Locale.ROOT);
        String rest = c.argument().strip();
        int space = rest.indexOf(' ');
        rest = space < 0 ? "" : rest.substring(space + 1);
        String verb = "OPTS_" + option;
        SessionImpl s = session(c);
        if (s.runtime().modules().command(verb) == null) {
            return c.error(500, "OPTS " + option + " not understood");
        }
        CommandImpl nested = new CommandImpl(verb, rest, s, "");
        try {
            s.dispatchNested(nested);
        } catch (IOException e) {
            throw new FtpReplyException(451, "Requested action aborted: local error in processing");
        }
        return Outcome.HANDLED;
    }

    private Outcome host(Command c) throws FtpReplyException {
        SessionImpl s = session(c);
        if (c.arguments().size() != 1) {
            return c.error(500, "'HOST' not understood");
        }
        if (s.identity().isPresent()) {
            return c.error(503, "Bad sequence of commands");
        }
        String arg = c.arguments().get(0);
        String host = arg;
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.indexOf(':') < 0) {
                return c.error(501, arg + ": Invalid IPv6 address provided");
            }
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            return c.error(501, arg + ": Invalid IPv6 address provided");
        }
        String wanted = host;
        boolean literal = host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || host.indexOf(':') >= 0;
        if (literal) {
            try {
                InetAddress a = SessionImpl.plain(InetAddress.getByName(host));
                if (a.equals(s.localAddress().getAddress())) {
                    return c.reply(220, "HOST command successful");
                }
            } catch (UnknownHostException e) {
                return c.error(501, arg + ": Invalid IPv6 address provided");
            }
            return c.error(504, arg + ": Unknown hostname provided");
        }
        for (ServerConfig candidate : s.configuration().servers()) {
            if (candidate.port() != s.localAddress().getPort() && candidate.port() != 0
                    && !candidate.equals(s.server())) {
                continue;
            }
            if (names(candidate).stream().anyMatch(n -> n.equalsIgnoreCase(wanted))) {
                s.switchServer(candidate);
                s.notes().put("mod_core.host", wanted);
                List<String> display = s.config().get(CoreDirectives.DISPLAY_CONNECT)
                        .map(f -> Display.read(Path.of(f), s)).orElse(List.of());
                for (String l : display) {
                    c.reply(220, l);
                }
                return c.reply(220, s.banner());
            }
        }
        return c.error(504, arg + ": Unknown hostname provided");
    }

    private static List<String> names(ServerConfig server) {
        List<String> names = new ArrayList<>();
        names.add(server.name());
        server.node().directives(CoreDirectives.SERVER_ALIAS.name())
                .forEach(e -> names.addAll(e.value(CoreDirectives.SERVER_ALIAS)));
        return names;
    }

    private Outcome csid(Command c) {
        SessionImpl s = session(c);
        if (!s.value(CoreDirectives.SERVER_IDENT).on()) {
            return c.reply(200, "casesensitive=1;");
        }
        return c.reply(200, "name=modftpd;version=" + s.runtime().version() + ";casesensitive=1;");
    }
}

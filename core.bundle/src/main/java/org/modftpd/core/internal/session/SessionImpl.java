package org.modftpd.core.internal.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.modftpd.api.Config;
import org.modftpd.api.ConfigSection;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.api.FileView;
import org.modftpd.api.Identity;
import org.modftpd.api.Session;
import org.modftpd.api.SessionLog;
import org.modftpd.api.Transfer;
import org.modftpd.core.internal.access.Access;
import org.modftpd.core.internal.auth.AuthChain;
import org.modftpd.core.internal.config.ConfigView;
import org.modftpd.core.internal.config.Configuration;
import org.modftpd.core.internal.config.ContextNode;
import org.modftpd.core.internal.config.DirectiveEntry;
import org.modftpd.core.internal.config.ModuleSection;
import org.modftpd.core.internal.config.ServerConfig;
import org.modftpd.core.internal.dispatch.CommandImpl;
import org.modftpd.core.internal.dispatch.Dispatcher;
import org.modftpd.core.internal.dispatch.ModuleEntry;
import org.modftpd.core.internal.dispatch.ModuleTable;
import org.modftpd.core.internal.fs.JailedFileView;
import org.modftpd.core.internal.log.ServerLog.Level;
import org.modftpd.core.internal.modules.CoreDirectives;
import org.modftpd.core.internal.protocol.Addresses;
import org.modftpd.core.internal.protocol.CommandLineReader;
import org.modftpd.core.internal.protocol.CommandLineReader.Line;
import org.modftpd.core.internal.protocol.Reply;
import org.modftpd.core.internal.protocol.ReplyWriter;
import org.modftpd.spi.SessionHooks;
import org.modftpd.core.internal.protocol.Addresses;

/**
 * One control connection: reads commands, dispatches them, keeps the session's state (identity,
 * configuration snapshot, file view, data channel, transfer settings) and its timeouts.
 */
public final class SessionImpl implements Session, Dispatcher.Target {

    /** Verbs of other protocols: a client sending them is not an FTP client; ProFTPD hangs up. */
    private static final Set<String> FOREIGN_PROTOCOL_VERBS = Set.of("CONNECT", "DELETE", "GET", "HEAD", "OPTIONS",
            "PATCH", "POST", "PUT", "DATA", "EHLO", "HELO", "MAIL", "RCPT", "RSET", "VRFY");

    private static final int MAX_TOO_LONG = 3;

    private final ServerRuntime runtime;
    private final SocketChannel control;
    private final String id;
    private final Instant connectedAt = Instant.now();
    private final Map<String, Object> notes = new ConcurrentHashMap<>();
    private final DataChannel data = new DataChannel(this);
    private final SessionLogImpl log = new SessionLogImpl();
    private InetSocketAddress remote;
    private InetSocketAddress local;
    private ReplyWriter writer;
    private ControlInput input;

    private volatile Configuration configuration;
    private volatile ServerConfig server;
    private volatile ConfigView view;
    /** The .ftpaccess lookups of the running command (set at login). */
    private CommandMemo memo;
    private volatile String connectionClass;
    private volatile Identity identity;
    private volatile FileView files = JailedFileView.none();
    private volatile String requestedUser;
    private volatile String remoteHostName;

    private volatile boolean ascii = true;
    private volatile boolean typeChosenBeforeLogin;
    private volatile long restartOffset;
    private volatile Path renameFrom;
    private volatile String renameFromArg;
    private volatile long bytesTransferred;
    private volatile long dataIn;
    private volatile long dataOut;
    private volatile String endReason = "Client disconnected";
    private volatile int filesIn;
    private volatile int filesOut;
    private volatile TransferControl transfer;
    private volatile String currentCommand = "";
    private volatile String lastCommand = "";
    private volatile long lastCommandNanos = System.nanoTime();
    private volatile long lastTransferNanos = System.nanoTime();
    private volatile long loggedInNanos;
    private volatile boolean closing;
    private ConfigView beforeUser;
    private volatile boolean quit;
    private int loginFailures;
    private ScheduledFuture<?> timerTask;

    private final boolean inherited;

    public SessionImpl(ServerRuntime runtime, SocketChannel control, String id) {
        this(runtime, control, id, false);
    }

    /** A session on a connection inetd handed over ({@code inherited}): ports do not select the server. */
    public SessionImpl(ServerRuntime runtime, SocketChannel control, String id, boolean inherited) {
        this.runtime = runtime;
        this.control = control;
        this.id = id;
        this.inherited = inherited;
    }

    // ---------------------------------------------------------------- Session API

    @Override
    public String id() {
        return id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public Instant connectedAt() {
        return connectedAt;
    }

    @Override
    public Optional<String> connectionClass() {
        return Optional.ofNullable(connectionClass);
    }

    @Override
    public Optional<Identity> identity() {
        return Optional.ofNullable(identity);
    }

    @Override
    public Optional<String> requestedUser() {
        return Optional.ofNullable(requestedUser);
    }

    @Override
    public ConfigView config() {
        return view;
    }

    @Override
    public FileView files() {
        return files;
    }

    @Override
    public Map<String, Object> notes() {
        return notes;
    }

    @Override
    public void send(int code, String text) {
        try {
            writer.send(code, text);
        } catch (IOException e) {
            close();
        }
    }

    /**
     * Sends a reply with the next one (or at {@link #release()}, or when the command ends), in one
     * write: the 150 of a transfer that ends without waiting goes out with its 226.
     */
    public void hold(int code, String text) {
        writer.hold(code, text);
    }

    /** Writes a reply held by {@link #hold}, if any. */
    public void release() {
        try {
            writer.release();
        } catch (IOException e) {
            close();
        }
    }

    /**
     * The configuration of the current directory, for what a command that names no path is checked
     * against (its {@code <Limit>}, AllowFilter/DenyFilter): kept across commands as ProFTPD keeps its
     * last directory check (see {@link CommandMemo}). Before login, or when the current directory is
     * gone, the session's top-level configuration.
     */
    public ConfigView currentDirectoryConfig() {
        if (identity == null) {
            return view;
        }
        try {
            Path here = files.resolve(".");
            CommandMemo m = memo;
            return m == null ? view.forPath(here) : m.currentDirectory(view, here);
        } catch (java.nio.file.NoSuchFileException e) {
            return view;
        }
    }

    /** Whether {@code <Limit>} allows a command of a group at a path (null: the current directory). */
    public boolean allowed(String verb, String group, Path path) {
        return Access.allowed(path == null ? currentDirectoryConfig() : view, path, verb, group, who());
    }

    /**
     * The attributes of what a path leads to, as {@link Files#readAttributes(Path, Class, LinkOption...)}
     * tells them (within a reading command, what it already learnt of the path).
     */
    public BasicFileAttributes attributes(Path path) throws IOException {
        CommandMemo m = memo;
        return m == null ? Files.readAttributes(path, BasicFileAttributes.class) : m.stat(path);
    }

    @Override
    public void applyOverlay(List<ConfigSection> sections) {
        ModuleTable table = runtime.modules();
        ContextNode.Builder merged = view.server().toBuilder();
        for (ConfigSection s : sections) {
            if (s instanceof ModuleSection m) {
                Overlays.merge(merged, m.contents(), table);
            }
        }
        view = view.withServer(merged.build());
    }

    @Override
    public void disconnect(String reason) {
        sendAndClose(421, reason);
    }

    /**
     * A last reply, then the connection closes. The session counts as closing before the reply goes
     * out, so a client that reacts to it (reconnecting, say) never finds this session still counted.
     */
    public void sendAndClose(int code, String text) {
        if (closing) {
            return;
        }
        closing = true;
        send(code, text);
        close();
    }

    @Override
    public SessionLog log() {
        return log;
    }

    // ---------------------------------------------------------------- Dispatcher.Target

    @Override
    public Session session() {
        return this;
    }

    @Override
    public boolean authenticated() {
        return identity != null;
    }

    @Override
    public void send(List<Reply> replies) throws IOException {
        if (replies.isEmpty() || closing && !quit) {
            return;
        }
        writer.send(replies);
    }

    @Override
    public void log(String level, String message, Throwable error) {
        runtime.log().log(switch (level) {
            case "error" -> Level.ERROR;
            case "warn" -> Level.WARN;
            case "debug" -> Level.DEBUG;
            default -> Level.INFO;
        }, logContext(), message, error);
    }

    // ---------------------------------------------------------------- lifecycle

    /** The session thread: greet, read and dispatch until the client leaves or is sent away. */
    public void run() {
        try {
            remote = (InetSocketAddress) control.getRemoteAddress();
            local = (InetSocketAddress) control.getLocalAddress();
            remote = new InetSocketAddress(plain(remote.getAddress()), remote.getPort());
            local = new InetSocketAddress(plain(local.getAddress()), local.getPort());
            control.setOption(StandardSocketOptions.TCP_NODELAY, true);
            InputStream in = Channels.newInputStream(control);
            OutputStream out = Channels.newOutputStream(control);
            writer = new ReplyWriter(out);
            configuration = runtime.configuration();
            server = inherited ? configuration.serverForInherited(local.getAddress())
                    : configuration.serverFor(local.getAddress(), local.getPort());
            if (server == null) {
                writer.send(500, "Sorry, no server available to handle request on "
                        + Addresses.text(local.getAddress()));
                return;
            }
            view = ConfigView.of(configuration, server.node(), null, ConfigView.Paths.NONE);
            writer.rfc2228(view.value(CoreDirectives.MULTILINE_RFC2228));
            input = new ControlInput(new CommandLineReader(in, commandBufferSize(), writer::refuseTelnetOption),
                    "ftp-" + id);
            if (view.value(CoreDirectives.USE_REVERSE_DNS)) {
                remoteHostName = reverseLookup(remote.getAddress());
            }
            connectionClass = Classes.match(configuration, remote.getAddress(), remoteHostName);
            Optional<String> shutdown = org.modftpd.core.internal.ops.Shutdown.refusal(this, java.time.Instant.now());
            if (shutdown.isPresent()) {
                String ip = Addresses.text(remote.getAddress());
                log.notice("connection refused (" + shutdown.get() + ") from "
                        + (remoteHostName == null ? ip : remoteHostName) + " [" + ip + "]");
                writer.send(500, "FTP server shut down (" + shutdown.get() + ") -- please try again later");
                return;
            }
            runtime.sessionStarted(this);
            log.info("FTP session opened.");
            for (ModuleEntry m : runtime.modules().modules()) {
                hook(m, h -> h.connected(this));
            }
            if (closing) {
                return;
            }
            sendBanner();
            armTimers();
            loop();
        } catch (IOException e) {
            if (!closing) {
                log.debug("control connection error: " + e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finish();
        }
    }

    private int commandBufferSize() {
        return (int) (view.value(CoreDirectives.COMMAND_BUFFER_SIZE) - 3);
    }

    private void sendBanner() throws IOException {
        List<Reply> lines = new ArrayList<>();
        view.get(CoreDirectives.DISPLAY_CONNECT).ifPresent(file -> {
            for (String l : Display.read(Path.of(file), this)) {
                lines.add(new Reply(220, l));
            }
        });
        lines.add(new Reply(220, banner()));
        writer.send(lines);
    }

    /** The 220 text: ServerIdent, DeferWelcome and the address as ProFTPD shows them. */
    public String banner() {
        CoreDirectives.Ident ident = view.value(CoreDirectives.SERVER_IDENT);
        String address = advertisedAddress();
        if (!ident.on()) {
            return address + " FTP server ready";
        }
        if (ident.text().isPresent()) {
            return Display.expandIdent(ident.text().get(), this, address, runtime.version());
        }
        if (view.value(CoreDirectives.DEFER_WELCOME)) {
            return "ProFTPD Server ready.";
        }
        return "ProFTPD Server (" + server.name() + ") [" + address + "]";
    }

    /** The local address, or MasqueradeAddress when it resolves. */
    public String advertisedAddress() {
        Optional<String> masq = view.get(CoreDirectives.MASQUERADE_ADDRESS);
        if (masq.isPresent()) {
            InetAddress resolved = Masquerade.resolve(masq.get());
            if (resolved != null) {
                return Addresses.text(resolved);
            }
        }
        return Addresses.text(local.getAddress());
    }

    private void loop() throws IOException, InterruptedException {
        int tooLong = 0;
        while (!closing) {
            Line line = input.next();
            if (line == null || closing) {
                return;
            }
            if (line.tooLong()) {
                log.notice("client sent too-long command, ignoring");
                writer.send(500, "Command line too long");
                if (++tooLong >= MAX_TOO_LONG) {
                    log.notice("client sent " + MAX_TOO_LONG + " too-long commands in a row, disconnecting");
                    return;
                }
                continue;
            }
            tooLong = 0;
            lastCommandNanos = System.nanoTime();
            runtime.commandReceived();
            execute(line.text());
            if (quit) {
                return;
            }
        }
    }

    /** Parses and dispatches one command line. */
    void execute(String text) throws IOException {
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            text = text.substring(0, nul);
        }
        if (text.isEmpty() || Character.isWhitespace(text.charAt(0))) {
            writer.send(500, "Invalid command: try being more creative");
            return;
        }
        int space = text.indexOf(' ');
        String verb = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
        String arg = space < 0 ? "" : text.substring(space + 1);
        ModuleTable table = runtime.modules();
        ModuleTable.HandlerBinding command = table.command(verb);
        if (command == null && FOREIGN_PROTOCOL_VERBS.contains(verb)) {
            log.warn("client sent " + (verb.startsWith("H") || verb.startsWith("P") || verb.equals("GET")
                    || verb.equals("CONNECT") || verb.equals("DELETE") || verb.equals("OPTIONS")
                    ? "HTTP" : "SMTP") + " command '" + verb + "', disconnecting");
            close();
            return;
        }
        currentCommand = verb.equals("PASS") ? "PASS (hidden)" : text;
        lastCommand = currentCommand;
        CommandMemo m = memo;
        if (m != null) {
            String group = command == null ? "" : command.spec().group();
            m.begin(group.equals("READ") || group.equals("DIRS"), group.equals("WRITE") || verb.equals("SITE"));
        }
        try {
            Dispatcher.dispatch(table, this, verb, arg);
        } finally {
            release();
            if (m != null) {
                m.end();
            }
            currentCommand = "";
        }
    }

    /** Dispatches a nested command (SITE subcommands) with the current module table. */
    public void dispatchNested(CommandImpl cmd) throws IOException {
        Dispatcher.run(runtime.modules(), this, cmd);
    }

    // ---------------------------------------------------------------- transfers

    /**
     * Starts a transfer. With {@code lazy}, the control channel is watched only from the moment the
     * transfer would wait ({@link TransferControl#watch()}); otherwise at once.
     */
    public TransferControl beginTransfer(String verb, String clientPath, long expectedBytes, boolean lazy) {
        TransferControl t = new TransferControl(verb, clientPath, expectedBytes);
        this.transfer = t;
        t.whenWatched(() -> input.transferStarted(new DuringTransferHandler(t)));
        if (!lazy) {
            t.watch();
        }
        return t;
    }

    /** Ends the current transfer; lines held back during it are released. */
    public void endTransfer(TransferControl t, Transfer info) {
        if (transfer == t) {
            transfer = null;
        }
        input.transferEnded();
        lastTransferNanos = System.nanoTime();
        bytesTransferred += t.bytes();
        if (info.direction() == Transfer.Direction.INCOMING) {
            if (memo != null) {
                memo.forget(); // the upload may have been a .ftpaccess
            }
            dataIn += t.bytes();
        } else {
            dataOut += t.bytes();
        }
        if (info.completed()) {
            if (info.direction() == Transfer.Direction.INCOMING) {
                filesIn++;
            } else if (!isListing(info.command())) {
                filesOut++;
            }
        }
    }

    private static boolean isListing(String verb) {
        return verb.equals("LIST") || verb.equals("NLST") || verb.equals("MLSD");
    }

    /** Accepts or connects the data connection for the transfer {@code t}. */
    public SocketChannel openData(TransferControl t) throws IOException {
        boolean allowForeign = allowForeign(view.value(CoreDirectives.ALLOW_FOREIGN_ADDRESS));
        long timeout = TimeUnit.SECONDS.toMillis(Math.max(1, view.value(CoreDirectives.TIMEOUT_STALLED)));
        SocketChannel ch = data.open(t, allowForeign, timeout);
        t.attach(ch);
        return ch;
    }

    /** Whether AllowForeignAddress lets this session use another address for data. */
    public boolean allowForeign(CoreDirectives.ForeignAddress policy) {
        if (policy.allowed()) {
            return true;
        }
        return policy.className().isPresent() && policy.className().get().equals(connectionClass);
    }

    public DataChannel data() {
        return data;
    }

    public TransferControl currentTransfer() {
        return transfer;
    }

    public ServerRuntime runtime() {
        return runtime;
    }

    /** Notifies modules that a transfer started or ended. */
    public void transferHook(Transfer info, boolean started) {
        for (ModuleEntry m : runtime.modules().modules()) {
            hook(m, h -> {
                if (started) {
                    h.transferStarted(this, info);
                } else {
                    h.transferEnded(this, info);
                }
            });
        }
    }

    /** What to do with control lines that arrive while a transfer runs (ProFTPD's poll between buffers). */
    private final class DuringTransferHandler implements ControlInput.DuringTransfer {
        private final TransferControl control;

        DuringTransferHandler(TransferControl control) {
            this.control = control;
        }

        @Override
        public boolean handle(Line line) {
            if (line.tooLong()) {
                return false;
            }
            String text = line.text();
            int space = text.indexOf(' ');
            String verb = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
            switch (verb) {
                case "ABOR", "QUIT" -> {
                    control.abort(verb);
                    return true;
                }
                case "NOOP" -> {
                    send(200, "NOOP: data transfer in progress");
                    return true;
                }
                case "STAT" -> {
                    if (space < 0) {
                        sendNow(Status.lines(SessionImpl.this));
                        return true;
                    }
                    return false;
                }
                case "APPE", "LIST", "MLSD", "NLST", "RETR", "STOR", "STOU", "RNFR", "RNTO", "PORT", "EPRT", "PASV",
                        "EPSV" -> {
                    send(450, verb + ": data transfer in progress");
                    return true;
                }
                default -> {
                    return false;
                }
            }
        }

        @Override
        public void controlClosed() {
            // the client is gone: stop the transfer instead of feeding a data connection nobody answers for
            control.abort("control connection closed");
        }

        @Override
        public boolean dispatchAfter(Line line) {
            String text = line.text().toUpperCase(Locale.ROOT);
            return text.startsWith("ABOR") || text.startsWith("QUIT");
        }
    }

    private void sendNow(List<Reply> replies) {
        try {
            writer.send(replies);
        } catch (IOException e) {
            close();
        }
    }

    // ---------------------------------------------------------------- login state

    /**
     * A new USER before login: what modules merged for the previous name
     * (mod_ifsession's PerUnauthenticatedUser) is taken back, so one user's sections never reach
     * another's session.
     */
    public void requestedUser(String name) {
        if (name != null && identity().isEmpty()) {
            if (beforeUser == null) {
                beforeUser = view;
            } else {
                view = beforeUser;
            }
        }
        this.requestedUser = name;
    }

    public int loginFailures() {
        return loginFailures;
    }

    public int loginFailed() {
        return ++loginFailures;
    }

    /**
     * Completes a login: identity, jailed view, configuration of the anonymous site if any.
     *
     * @param homes looks up other users' homes (for {@code <Directory ~user>})
     */
    public void loggedIn(Identity who, Path root, String homeVirtual, String cwd, ContextNode anonymous,
            String homeReal, java.util.function.UnaryOperator<String> homes) {
        this.identity = who;
        CommandMemo lookups = new CommandMemo(dir -> runtime.ftpAccess().read(dir, runtime.modules(),
                problem -> log.warn(problem)));
        this.files = new JailedFileView(root, homeVirtual, cwd, lookups::lstat);
        ConfigView.Paths paths = new ConfigView.Paths(homeReal, homes, anonymous == null ? null : root.toString(),
                root, lookups);
        this.memo = lookups;
        this.view = ConfigView.of(configuration, view.server(), anonymous, paths);
        this.loggedInNanos = System.nanoTime();
        this.lastTransferNanos = loggedInNanos;
        if (!typeChosenBeforeLogin) {
            this.ascii = view.value(CoreDirectives.DEFAULT_TRANSFER_ASCII);
        }
        input.reader().maxLength(commandBufferSize());
        rearmTimers();
        for (ModuleEntry m : runtime.modules().modules()) {
            hook(m, h -> h.loggedIn(this));
        }
    }

    /** Switches to another virtual host (HOST before login). */
    public void switchServer(ServerConfig newServer) {
        this.server = newServer;
        this.view = ConfigView.of(configuration, newServer.node(), null, ConfigView.Paths.NONE);
        input.reader().maxLength(commandBufferSize());
    }

    public ServerConfig server() {
        return server;
    }

    public Configuration configuration() {
        return configuration;
    }

    // ---------------------------------------------------------------- transfer settings

    public boolean ascii() {
        return ascii;
    }

    public void ascii(boolean on) {
        this.ascii = on;
        if (identity == null) {
            typeChosenBeforeLogin = true;
        }
    }

    public long restartOffset() {
        return restartOffset;
    }

    public void restartOffset(long offset) {
        this.restartOffset = offset;
    }

    public Path renameFrom() {
        return renameFrom;
    }

    public String renameFromArg() {
        return renameFromArg;
    }

    public void renameFrom(Path path, String arg) {
        this.renameFrom = path;
        this.renameFromArg = arg;
    }

    public long bytesTransferred() {
        return bytesTransferred;
    }

    public int filesIn() {
        return filesIn;
    }

    public int filesOut() {
        return filesOut;
    }

    public String currentCommand() {
        return currentCommand;
    }

    /** The last command received, kept after it completes (for ftpwho). */
    public String lastCommand() {
        return lastCommand;
    }

    public long idleNanos() {
        return System.nanoTime() - lastCommandNanos;
    }

    /** Total bytes read from the network (control and data), for {@code %I}. */
    public long bytesIn() {
        return (input == null ? 0 : input.reader().bytesRead()) + dataIn;
    }

    /** Total bytes written to the network (control and data), for {@code %O}. */
    public long bytesOut() {
        return (writer == null ? 0 : writer.bytesWritten()) + dataOut;
    }

    /** Why the session ended (for {@code %E}). */
    public String endReason() {
        return endReason;
    }

    public void endReason(String reason) {
        this.endReason = reason;
    }

    @Override
    public Optional<String> variable(String token) {
        return org.modftpd.core.internal.log.LogVariables.value(token, this, null);
    }

    /** Marks the session to end once the current command's replies are sent (QUIT). */
    public void quit() {
        this.quit = true;
        this.closing = true;
    }

    public boolean closing() {
        return closing;
    }

    // ---------------------------------------------------------------- timeouts

    private void armTimers() {
        rearmTimers();
    }

    private synchronized void rearmTimers() {
        if (timerTask != null) {
            timerTask.cancel(false);
        }
        long delay = nextDeadlineNanos() - System.nanoTime();
        if (closing || delay == Long.MAX_VALUE) {
            return;
        }
        timerTask = runtime.timer().schedule(this::checkTimers, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    private long nextDeadlineNanos() {
        long next = Long.MAX_VALUE;
        long now = System.nanoTime();
        for (Timeout t : Timeout.values()) {
            long deadline = deadline(t);
            if (deadline != Long.MAX_VALUE && deadline < next) {
                next = deadline;
            }
        }
        return next == Long.MAX_VALUE ? now + Long.MAX_VALUE / 2 : next;
    }

    private enum Timeout { LOGIN, IDLE, NO_TRANSFER, SESSION }

    private long deadline(Timeout t) {
        long seconds;
        long from;
        switch (t) {
            case LOGIN -> {
                if (identity != null) {
                    return Long.MAX_VALUE;
                }
                seconds = view.value(CoreDirectives.TIMEOUT_LOGIN);
                from = System.nanoTime() - java.time.Duration.between(connectedAt, Instant.now()).toNanos();
            }
            case IDLE -> {
                seconds = view.value(CoreDirectives.TIMEOUT_IDLE);
                from = transfer != null ? System.nanoTime() : lastCommandNanos;
            }
            case NO_TRANSFER -> {
                Optional<Long> configured = view.get(CoreDirectives.TIMEOUT_NO_TRANSFER);
                if (identity == null || configured.isEmpty()) {
                    return Long.MAX_VALUE;
                }
                seconds = configured.get();
                from = transfer != null ? System.nanoTime() : lastTransferNanos;
            }
            default -> {
                if (identity == null) {
                    return Long.MAX_VALUE;
                }
                seconds = view.value(CoreDirectives.TIMEOUT_SESSION);
                from = loggedInNanos;
            }
        }
        if (seconds <= 0) {
            return Long.MAX_VALUE;
        }
        return from + TimeUnit.SECONDS.toNanos(seconds);
    }

    private void checkTimers() {
        if (closing) {
            return;
        }
        long now = System.nanoTime();
        for (Timeout t : Timeout.values()) {
            long deadline = deadline(t);
            if (deadline != Long.MAX_VALUE && deadline <= now) {
                fire(t);
                return;
            }
        }
        rearmTimers();
    }

    private void fire(Timeout t) {
        String text = switch (t) {
            case LOGIN -> {
                long s = view.value(CoreDirectives.TIMEOUT_LOGIN);
                yield "Login timeout (" + s + (s == 1 ? " second" : " seconds") + "): closing control connection";
            }
            case IDLE -> "Idle timeout (" + view.value(CoreDirectives.TIMEOUT_IDLE)
                    + " seconds): closing control connection";
            case NO_TRANSFER -> "No transfer timeout (" + view.get(CoreDirectives.TIMEOUT_NO_TRANSFER).orElse(0L)
                    + " seconds): closing control connection";
            case SESSION -> "Session Timeout (" + view.value(CoreDirectives.TIMEOUT_SESSION)
                    + " seconds): closing control connection";
        };
        log.info("Client session " + t.name().toLowerCase(Locale.ROOT).replace('_', '-') + " timeout, disconnected");
        endReason = switch (t) {
            case LOGIN -> "Login timeout";
            case IDLE -> "Idle timeout";
            case NO_TRANSFER -> "No transfer timeout";
            case SESSION -> "Session timeout";
        };
        disconnect(text);
    }

    // ---------------------------------------------------------------- teardown

    @Override
    public boolean allowed(String command, Path path) {
        String verb = command.toUpperCase(Locale.ROOT);
        if (verb.equals("LOGIN")) {
            return Access.decide(view.chain(), "LOGIN", "", who()) != Access.Decision.DENY;
        }
        var binding = runtime.modules().command(verb);
        return allowed(verb, binding == null ? "" : binding.spec().group(), path);
    }

    /** The identity bits a {@code <Limit>} evaluation needs. */
    public Access.Who who() {
        Identity id = identity;
        return new Access.Who(id != null ? id.name() : requestedUser, id, connectionClass,
                remote.getAddress(), remoteHostName);
    }

    @Override
    public Optional<Identity> lookup(String userName) {
        AuthChain chain = AuthChain.of(runtime.modules(), view);
        var found = chain.findUser(this, userName);
        if (!found.isFound()) {
            return Optional.empty();
        }
        return Optional.of(new Identity(found.value().user(), chain.groups(this, found.value()), false, userName,
                found.value().owner().module().name()));
    }

    /** Closes the control connection; the session thread then finishes. */
    @Override
    public void close() {
        closing = true;
        TransferControl t = transfer;
        if (t != null) {
            t.abort("session closed");
        }
        try {
            control.close();
        } catch (IOException ignored) {
            // the connection is gone either way
        }
    }

    private void finish() {
        closing = true;
        synchronized (this) {
            if (timerTask != null) {
                timerTask.cancel(false);
            }
        }
        data.closeQuietly();
        TransferControl t = transfer;
        if (t != null) {
            t.abort("session closed");
        }
        // the session leaves the server's books before the client sees its connection close, so a
        // client that has seen the close can log in again within MaxClientsPerUser and the like
        if (view != null) {
            for (ModuleEntry m : runtime.modules().modules()) {
                hook(m, h -> h.disconnected(this));
            }
            log.info("FTP session closed.");
            runtime.sessionEnded(this);
        }
        try {
            control.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private void hook(ModuleEntry m, java.util.function.Consumer<SessionHooks> call) {
        Optional<SessionHooks> hooks = m.hooks();
        if (hooks.isEmpty() || !m.tryEnter()) {
            return;
        }
        try {
            call.accept(hooks.get());
        } catch (RuntimeException | LinkageError e) {
            runtime.log().log(Level.ERROR, logContext(), m.name() + " session hook failed: " + e, e);
        } finally {
            m.exit();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The client's name from reverse DNS (UseReverseDNS on), or null when there is none. */
    public String remoteHostName() {
        return remoteHostName;
    }

    private static String reverseLookup(InetAddress address) {
        try {
            String name = InetAddress.getByAddress(address.getAddress()).getCanonicalHostName();
            return name.equals(address.getHostAddress()) ? null : name;
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** IPv4-mapped IPv6 addresses become plain IPv4 addresses. */
    public static InetAddress plain(InetAddress a) {
        if (a instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
            if (mapped) {
                try {
                    return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (java.net.UnknownHostException e) {
                    return a;
                }
            }
        }
        return a;
    }

    /** The {@code server (host[ip])} prefix of log lines. */
    public String logContext() {
        String ip = remote == null ? "?" : Addresses.text(remote.getAddress());
        String name = server == null ? "-" : server.name();
        String host = remoteHostName == null ? ip : remoteHostName;
        return name + " (" + host + "[" + ip + "])";
    }

    /** A directive looked up in this session's current view (convenience for internal modules). */
    public <T> T value(DirectiveSpec<T> spec) {
        return view.value(spec);
    }

    /** The directive entries of a name in the current view, closest first. */
    public List<DirectiveEntry> entries(String name) {
        return view.entries(name);
    }

    public Config configFor(Path path) {
        return view.forPath(path);
    }

    @Override
    public String toString() {
        return "session " + id + " " + logContext();
    }

    /** Session log lines carry the client, as ProFTPD's do. */
    private final class SessionLogImpl implements SessionLog {
        @Override
        public void debug(String message) {
            runtime.log().log(Level.DEBUG, logContext(), message, null);
        }

        @Override
        public void info(String message) {
            runtime.log().log(Level.INFO, logContext(), message, null);
        }

        @Override
        public void notice(String message) {
            runtime.log().log(Level.NOTICE, logContext(), message, null);
        }

        @Override
        public void warn(String message) {
            runtime.log().log(Level.WARN, logContext(), message, null);
        }

        @Override
        public void error(String message) {
            runtime.log().log(Level.ERROR, logContext(), message, null);
        }
    }
}

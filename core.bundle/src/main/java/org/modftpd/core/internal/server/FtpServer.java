package org.modftpd.core.internal.server;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.modftpd.core.internal.config.ConfigBuilder;
import org.modftpd.core.internal.config.ConfigException;
import org.modftpd.core.internal.config.ConfigParser;
import org.modftpd.core.internal.config.Configuration;
import org.modftpd.core.internal.config.Node;
import org.modftpd.core.internal.dispatch.ModuleEntry;
import org.modftpd.core.internal.dispatch.ModuleTable;
import org.modftpd.core.internal.log.ServerLog;
import org.modftpd.core.internal.log.ServerLog.Level;
import org.modftpd.core.internal.log.TransferLog;
import org.modftpd.core.internal.modules.CoreDirectives;
import org.modftpd.core.internal.ops.ControlClient;
import org.modftpd.core.internal.ops.ControlSocket;
import org.modftpd.core.internal.ops.GogoCommands;
import org.modftpd.core.internal.ops.Operations;
import org.modftpd.core.internal.ops.Shutdown;
import org.modftpd.core.internal.ops.ShutdownFiles;
import org.modftpd.core.internal.session.BufferPool;
import org.modftpd.core.internal.session.ServerRuntime;
import org.modftpd.core.internal.session.SessionImpl;
import org.modftpd.core.internal.session.Transfers;
import org.modftpd.spi.FtpModule;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The running server: tracks modules, owns the configuration and the listening sockets, and starts a
 * virtual thread per connection. It is steered by framework properties ({@code modftpd.config},
 * {@code modftpd.defines}, {@code modftpd.check}) and publishes its state as a {@link Runnable}
 * service (running it reloads the configuration) whose properties carry state, generation, modules
 * and bound ports, so launchers and tests can wait on it without sharing classes.
 */
@Component(immediate = true, service = {})
public final class FtpServer implements ServerRuntime, Operations.Server {

    /** Framework property: the configuration file. */
    public static final String CONFIG = "modftpd.config";
    /** Framework property: comma-separated {@code -D} names. */
    public static final String DEFINES = "modftpd.defines";
    /** Framework property: {@code true} to check the configuration and exit. */
    public static final String CHECK = "modftpd.check";
    /** Framework property: {@code true} to take the ports over from a running server and send it draining. */
    public static final String TAKEOVER = "modftpd.takeover";
    /** Framework property: the drop-in folder watched for module bundles. */
    public static final String DROP_IN = "felix.fileinstall.dir";

    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(30);
    private static final Duration SESSION_END_LIMIT = Duration.ofSeconds(5);

    private final Object lock = new Object();
    private final Map<FtpModule, ModuleEntry> bound = new LinkedHashMap<>();
    private final Map<FtpModule, Bundle> providers = new LinkedHashMap<>();
    private final Map<String, Bundle> seenModules = new LinkedHashMap<>();
    private final Map<String, List<String>> seenDirectives = new LinkedHashMap<>();
    private final Map<String, SessionImpl> sessions = new ConcurrentHashMap<>();
    private final AtomicLong sessionIds = new AtomicLong();
    private final AtomicLong generations = new AtomicLong();
    private final ServerLog log = new ServerLog();
    private final TransferLog transferLog = new TransferLog();
    /**
     * Upload buffers: 2 MiB took STOR from ~1.8 to ~2.1 GB/s here against 512 KiB (bench W2); at
     * most 16 of them (32 MiB), uploads beyond that many at once read into 256 KiB.
     */
    private final BufferPool buffers = new BufferPool(2 * 1024 * 1024, 256 * 1024, 16);
    /** A collection when the server goes quiet; on a thread of its own, as it waits for the collection. */
    private final QuietCollector quietCollector = new QuietCollector(
            () -> Thread.ofPlatform().daemon().name("modftpd-quiet-gc").start(System::gc));
    /** Past 256 small downloads at once, smaller buffers that are not kept. */
    private final BufferPool smallFileBuffers = new BufferPool(Transfers.SMALL_FILE, 16 * 1024, 256);
    private final org.modftpd.core.internal.session.FtpAccessFiles ftpAccess =
            new org.modftpd.core.internal.session.FtpAccessFiles();
    private final ScheduledExecutorService timer = newTimer();

    private volatile ModuleTable table = ModuleTable.EMPTY;
    private volatile Configuration configuration;
    private volatile Node.Section source;
    private volatile String state = "starting";
    private volatile List<String> problems = List.of();
    private BundleContext context;
    private Listeners listeners;
    private ServiceRegistration<Runnable> status;
    private String version = "0";
    private volatile boolean active;
    private volatile Instant startedAt = Instant.now();
    private volatile boolean draining;
    private final Operations operations = new Operations(this);
    private final ShutdownFiles shutdownFiles = new ShutdownFiles();
    private ControlSocket controls;
    private ServiceRegistration<?> gogo;

    /**
     * One thread for the idle, login and stall timeouts. Cancelled tasks leave its queue at once:
     * every transfer schedules a stall timeout (one hour by default) and cancels it when done.
     */
    static ScheduledExecutorService newTimer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "modftpd-timer");
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindModule(FtpModule module, ServiceReference<FtpModule> ref) {
        ModuleEntry entry = new ModuleEntry(module, origin(ref));
        synchronized (lock) {
            bound.put(module, entry);
            if (ref.getBundle() != null) {
                providers.put(module, ref.getBundle());
                seenModules.put(entry.name(), ref.getBundle());
                seenDirectives.put(entry.name(), Operations.directiveNames(entry.directives()));
            }
            modulesChanged("module " + entry.name() + " arrived from " + entry.origin());
        }
    }

    void unbindModule(FtpModule module) {
        ModuleEntry entry;
        synchronized (lock) {
            entry = bound.remove(module);
            providers.remove(module);
            if (entry == null) {
                return;
            }
            entry.retire();
            if (stopping()) {
                table = ModuleTable.of(bound.values(), c -> { });
                return;
            }
            modulesChanged("module " + entry.name() + " left");
        }
        try {
            int left = entry.drain(DRAIN_LIMIT);
            if (left > 0) {
                log.log(Level.WARN, entry.name() + ": " + left + " call(s) still running after "
                        + DRAIN_LIMIT.toSeconds() + "s; letting the module go anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String origin(ServiceReference<?> ref) {
        return ref.getBundle() == null ? "?" : ref.getBundle().getSymbolicName() + " " + ref.getBundle().getVersion();
    }

    @Activate
    void activate(BundleContext ctx) {
        this.context = ctx;
        this.version = ctx.getBundle().getVersion().toString();
        this.listeners = new Listeners(this::accepted, message -> log.log(Level.WARN, message));
        this.active = true;
        this.startedAt = Instant.now();
        timer.scheduleWithFixedDelay(this::shutdownTick, 1, 1, TimeUnit.SECONDS);
        if (QuietCollector.concurrentExplicitCollections(ManagementFactory.getRuntimeMXBean().getInputArguments())) {
            timer.scheduleWithFixedDelay(quietCollector::tick, 1, 1, TimeUnit.SECONDS);
        }
        Hashtable<String, Object> commandProps = new Hashtable<>();
        commandProps.put("osgi.command.scope", GogoCommands.SCOPE);
        commandProps.put("osgi.command.function", GogoCommands.FUNCTIONS);
        gogo = ctx.registerService(GogoCommands.class, new GogoCommands(operations), commandProps);
        // listen for bundle events now, before the framework starts the drop-in modules
        FrameworkSettle settle = new FrameworkSettle(ctx, property(DROP_IN).map(Path::of).orElse(null));
        Thread.ofVirtual().name("modftpd-startup").start(() -> startup(settle));
    }

    @Deactivate
    void deactivate() {
        active = false;
        synchronized (lock) {
            if (status != null) {
                try {
                    status.unregister();
                } catch (IllegalStateException ignored) {
                    // already gone with the bundle
                }
                status = null;
            }
        }
        if (listeners != null) {
            listeners.closeAll();
        }
        synchronized (lock) {
            if (controls != null) {
                controls.close();
                controls = null;
            }
            if (gogo != null) {
                try {
                    gogo.unregister();
                } catch (IllegalStateException ignored) {
                    // already gone with the bundle
                }
                gogo = null;
            }
        }
        for (SessionImpl s : new ArrayList<>(sessions.values())) {
            s.disconnect("FTP server shutting down");
        }
        awaitSessionsEnded(SESSION_END_LIMIT);
        timer.shutdownNow();
        transferLog.reopen();
        log.log(Level.NOTICE, "modftpd " + version + " stopped");
        log.close();
    }

    /**
     * Gives the sessions just sent away a moment to end (each logs "FTP session closed."), so their
     * last lines reach the SystemLog before it is closed and "stopped" is the server's last line.
     */
    private void awaitSessionsEnded(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (sessions) {
            try {
                long left;
                while (!sessions.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                    sessions.wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!sessions.isEmpty()) {
            log.log(Level.WARN, sessions.size() + " session(s) still ending after " + limit.toSeconds() + "s");
        }
    }

    // ------------------------------------------------------------ startup, reload, modules

    private void startup(FrameworkSettle settle) {
        try {
            if (!settle.await(SETTLE_LIMIT)) {
                log.log(Level.WARN, "the framework had not settled after " + SETTLE_LIMIT.toSeconds()
                        + "s (still waiting for " + settle.waitingFor() + "); reading the configuration anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!active) {
            return;
        }
        boolean check = Boolean.parseBoolean(property(CHECK).orElse("false"));
        Optional<String> file = property(CONFIG);
        if (file.isEmpty()) {
            fail(List.of("no configuration file: set the framework property " + CONFIG), check);
            return;
        }
        Configuration built;
        try {
            if (check) {
                System.err.println("Checking syntax of configuration file");
            }
            built = load(Path.of(file.get()), true);
        } catch (ConfigException e) {
            fail(e.problems(), check);
            return;
        }
        if (check) {
            System.err.println("Syntax OK");
            exit(0);
            return;
        }
        if (inetd(built)) {
            serveInherited(built);
            return;
        }
        boolean takeover = Boolean.parseBoolean(property(TAKEOVER).orElse("false"));
        synchronized (lock) {
            // configured before the first accept: a connection that arrives at once (a takeover's
            // shared port) must be served, not closed for want of a configuration
            install(built);
            try {
                listeners.apply(Listeners.wanted(built), backlog(built), takeover);
            } catch (IOException e) {
                fail(List.of(e.getMessage()), false);
                return;
            }
        }
        if (takeover) {
            takeOver(built);
        }
        // logged before "running" is published: whoever waits for that (the pid file of a detached
        // start, bin/modftpd returning) finds the line in the log already
        log.log(Level.NOTICE, "modftpd " + version + " (" + built.origin() + ") listening on "
                + listeners.bound().stream().map(Listeners::describe).toList());
        synchronized (lock) {
            controls(built);
            state = "running";
            problems = List.of();
            publish();
        }
    }

    private static boolean inetd(Configuration c) {
        return c.mainServer().node().directives(CoreDirectives.SERVER_TYPE_INETD.name()).stream()
                .map(e -> e.value(CoreDirectives.SERVER_TYPE_INETD)).findFirst().orElse(false);
    }

    /**
     * ServerType inetd: (x)inetd or systemd socket activation hands one connection over as standard
     * input; serve it and end the process when it closes.
     */
    private void serveInherited(Configuration built) {
        java.nio.channels.Channel inherited;
        try {
            inherited = System.inheritedChannel();
        } catch (IOException e) {
            inherited = null;
        }
        if (!(inherited instanceof SocketChannel channel)) {
            fail(List.of(built.origin() + ": ServerType inetd needs the client connection on standard input"
                    + " (start modftpd from inetd, xinetd or a systemd socket unit)"), false);
            return;
        }
        synchronized (lock) {
            install(built);
            state = "running";
            problems = List.of();
            publish();
        }
        SessionImpl session = new SessionImpl(this, channel, Long.toHexString(sessionIds.incrementAndGet()), true);
        Thread.ofVirtual().name("ftp-session-inetd").start(() -> {
            try {
                session.run();
            } finally {
                exit(0);
            }
        });
    }

    private int backlog(Configuration c) {
        return c.mainServer().node().directives(CoreDirectives.TCP_BACKLOG.name()).stream()
                .map(e -> e.value(CoreDirectives.TCP_BACKLOG).intValue()).findFirst().orElse(511);
    }

    private void fail(List<String> why, boolean check) {
        for (String p : why) {
            log.log(Level.ERROR, p);
            if (check) {
                System.err.println(p);
            }
        }
        synchronized (lock) {
            state = "failed";
            problems = List.copyOf(why);
            publish();
        }
        if (check) {
            System.err.println("Syntax check failed");
        }
        exit(1);
    }

    /** Parses and builds a configuration with the current modules; nothing is applied. */
    private Configuration load(Path file, boolean notices) throws ConfigException {
        Map<String, String> defines = new LinkedHashMap<>();
        property(DEFINES).ifPresent(list -> {
            for (String d : list.split(",")) {
                if (!d.isBlank()) {
                    defines.put(d.strip(), "");
                }
            }
        });
        Node.Section parsed = ConfigParser.parseFile(file, defines, System::getenv);
        loadModules(parsed);
        Configuration built = ConfigBuilder.build(parsed, file.toString(), table, generations.incrementAndGet(),
                notices ? notice -> log.log(Level.NOTICE, notice) : notice -> { });
        source = parsed;
        return built;
    }

    /** Re-reads the configuration file; a bad file is refused and the old configuration stays. */
    public List<String> reload() {
        if (draining) {
            return List.of("the server is draining after a takeover; reload the server that took over");
        }
        Optional<String> file = property(CONFIG);
        if (file.isEmpty() || configuration == null) {
            return List.of("the server is not running");
        }
        Node.Section previousSource = source;
        try {
            Configuration built = load(Path.of(file.get()), true);
            synchronized (lock) {
                listeners.apply(Listeners.wanted(built), backlog(built));
                install(built);
                controls(built);
                transferLog.reopen();
                publish();
            }
            log.log(Level.NOTICE, "configuration reloaded from " + file.get() + " (generation "
                    + built.generation() + ")");
            return List.of();
        } catch (ConfigException e) {
            source = previousSource;
            for (String p : e.problems()) {
                log.log(Level.ERROR, "reload refused: " + p);
            }
            log.log(Level.ERROR, "reload refused; the previous configuration stays in effect");
            return e.problems();
        } catch (IOException e) {
            source = previousSource;
            log.log(Level.ERROR, "reload refused: " + e.getMessage());
            return List.of(e.getMessage());
        }
    }

    private void install(Configuration built) {
        configuration = built;
        log.systemLog(built.mainServer().node().directives(CoreDirectives.SYSTEM_LOG.name()).stream()
                .map(e -> e.value(CoreDirectives.SYSTEM_LOG)).findFirst().flatMap(p -> p).map(Path::of));
    }

    /** Called with the lock held whenever the set of modules changes. */
    private void modulesChanged(String what) {
        ftpAccess.clear();
        List<String> conflicts = new ArrayList<>();
        table = ModuleTable.of(bound.values(), conflicts::add);
        lock.notifyAll();
        conflicts.forEach(c -> log.log(Level.WARN, c));
        log.log(Level.INFO, what);
        Node.Section src = source;
        Configuration current = configuration;
        if (src != null && current != null && !stopping()) {
            try {
                Configuration rebuilt = ConfigBuilder.build(src, current.origin(), table,
                        generations.incrementAndGet(), n -> { });
                configuration = rebuilt;
                problems = List.of();
            } catch (ConfigException e) {
                problems = e.problems();
                List<String> p = e.problems();
                log.log(Level.WARN, what + "; new sessions keep the previous configuration because: "
                        + String.join("; ", p.subList(0, Math.min(3, p.size())))
                        + (p.size() > 3 ? " (and " + (p.size() - 3) + " more)" : ""));
            }
        }
        publish();
    }

    /** Starts the modules named by {@code LoadModule} from {@code ModulePath} and waits for them to arrive. */
    private void loadModules(Node.Section parsed) throws ConfigException {
        List<Node.Directive> loads = new ArrayList<>();
        String[] modulePath = {property("modftpd.home").map(h -> Path.of(h, "libexec").toString()).orElse(null)};
        collectLoads(parsed.children(), loads, modulePath);
        if (loads.isEmpty()) {
            return;
        }
        List<String> problems = new ArrayList<>();
        Map<String, Node.Directive> waiting = new LinkedHashMap<>();
        for (Node.Directive d : loads) {
            String name = d.args().isEmpty() ? "" : d.args().get(0);
            if (table.moduleNames().contains(name)) {
                continue;
            }
            if (modulePath[0] == null) {
                problems.add(d.location() + ": LoadModule " + name + ": no ModulePath configured");
                continue;
            }
            Path jar = Path.of(modulePath[0], name.replaceFirst("\\.c$", "") + ".jar");
            if (!Files.isRegularFile(jar)) {
                problems.add(d.location() + ": LoadModule " + name + ": " + jar + " does not exist");
                continue;
            }
            try {
                String location = jar.toUri().toString();
                Bundle b = context.getBundle(location);
                if (b == null) {
                    b = context.installBundle(location);
                }
                if (b.getState() != Bundle.ACTIVE) {
                    b.start();
                }
                waiting.put(name, d);
            } catch (BundleException | IllegalStateException e) {
                problems.add(d.location() + ": LoadModule " + name + ": unable to start " + jar + ": " + e.getMessage());
            }
        }
        long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
        synchronized (lock) {
            while (!waiting.isEmpty()) {
                waiting.keySet().removeIf(n -> table.moduleNames().contains(n));
                long left = deadline - System.nanoTime();
                if (waiting.isEmpty() || left <= 0) {
                    break;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        waiting.forEach((name, d) -> problems.add(d.location() + ": LoadModule " + name
                + ": the bundle started but registered no module named " + name));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private void collectLoads(List<Node> nodes, List<Node.Directive> loads, String[] modulePath) {
        for (Node n : nodes) {
            if (n instanceof Node.Directive d && d.name().equalsIgnoreCase("ModulePath") && !d.args().isEmpty()) {
                modulePath[0] = d.args().get(0);
            } else if (n instanceof Node.Directive d && d.name().equalsIgnoreCase("LoadModule")) {
                loads.add(d);
            } else if (n instanceof Node.Section sec && sec.name().equalsIgnoreCase("IfModule") && sec.args().size() == 1) {
                String cond = sec.args().get(0);
                boolean negated = cond.startsWith("!");
                String module = negated ? cond.substring(1) : cond;
                boolean present = module.equals("mod_dso.c") || table.moduleNames().contains(module);
                if (present != negated) {
                    collectLoads(sec.children(), loads, modulePath);
                }
            }
        }
    }

    /** Opens, moves or closes the control socket to match the configuration. */
    private void controls(Configuration c) {
        if (draining) {
            return;
        }
        Optional<Path> wanted = controlSocketPath(c);
        if (controls != null && wanted.isPresent() && controls.path().equals(wanted.get())) {
            return;
        }
        if (controls != null) {
            controls.close();
            controls = null;
        }
        if (wanted.isPresent()) {
            try {
                controls = ControlSocket.open(wanted.get(), operations::execute, m -> log.log(Level.WARN, m));
            } catch (IOException e) {
                log.log(Level.WARN, e.getMessage() + "; ftpdctl, ftpwho and ftpcount will not reach this server");
            }
        }
    }

    /**
     * The new server's half of a takeover: its listeners share the ports (SO_REUSEPORT) already, so
     * it asks the running server to drain over the control socket, then waits for that socket to
     * become free to open its own.
     */
    private void takeOver(Configuration built) {
        Optional<Path> socket = controlSocketPath(built);
        if (socket.isEmpty()) {
            log.log(Level.WARN, "takeover: no control socket configured (ControlsEngine off?); the old server"
                    + " keeps accepting until it is stopped");
            return;
        }
        try {
            String answer = ControlClient.ask(socket.get(), "drain");
            log.log(Level.NOTICE, "takeover: " + answer.strip());
        } catch (IOException e) {
            log.log(Level.NOTICE, "takeover: no server answered on " + socket.get() + " (" + e.getMessage()
                    + "); starting normally");
            return;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Files.exists(socket.get()) && System.nanoTime() < deadline) {
            synchronized (lock) {
                try {
                    lock.wait(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * The old server's half: stop accepting (with net.ipv4.tcp_migrate_req=1 the kernel hands the
     * connections still queued on these sockets to the new server's), free the control socket, and
     * exit once the last session has ended.
     */
    @Override
    public String drain() {
        synchronized (lock) {
            if (draining) {
                return "already draining; " + sessions.size() + " session(s) left";
            }
            draining = true;
            listeners.closeAll();
            if (controls != null) {
                controls.close();
                controls = null;
            }
            state = "draining";
            publish();
        }
        int left = sessions.size();
        log.log(Level.NOTICE, "taken over: no longer accepting connections; " + left
                + " session(s) left to finish");
        if (left == 0) {
            timer.execute(() -> exit(0));
        }
        return "pid " + ProcessHandle.current().pid() + " draining: stopped accepting, " + left
                + " session(s) left; it exits when they have ended";
    }

    private Optional<Path> controlSocketPath(Configuration c) {
        boolean engine = c.mainServer().node().directives(CoreDirectives.CONTROLS_ENGINE.name()).stream()
                .map(e -> e.value(CoreDirectives.CONTROLS_ENGINE)).findFirst().orElse(true);
        if (!engine) {
            return Optional.empty();
        }
        return c.mainServer().node().directives(CoreDirectives.CONTROLS_SOCKET.name()).stream()
                .map(e -> e.value(CoreDirectives.CONTROLS_SOCKET)).findFirst()
                .orElseGet(() -> property("modftpd.home").map(h -> Path.of(h, "var/run/modftpd.sock").toString()))
                .map(Path::of);
    }

    private void shutdownTick() {
        try {
            Shutdown.disconnectDue(sessions.values(), Instant.now());
        } catch (RuntimeException e) {
            log.log(Level.WARN, "checking the shutdown message file failed: " + e);
        }
    }

    // ------------------------------------------------------------ Operations.Server

    @Override
    public List<Operations.ModuleInfo> moduleInfo() {
        synchronized (lock) {
            List<Operations.ModuleInfo> list = new ArrayList<>();
            java.util.Set<String> activeNames = new java.util.HashSet<>();
            for (Map.Entry<FtpModule, ModuleEntry> e : bound.entrySet()) {
                Bundle b = providers.get(e.getKey());
                if (b != null) {
                    activeNames.add(e.getValue().name());
                    list.add(new Operations.ModuleInfo(e.getValue().name(), b,
                            Operations.directiveNames(e.getValue().directives()), true));
                }
            }
            seenModules.forEach((name, b) -> {
                if (!activeNames.contains(name) && b.getState() != Bundle.UNINSTALLED) {
                    list.add(new Operations.ModuleInfo(name, b, seenDirectives.getOrDefault(name, List.of()), false));
                }
            });
            return list;
        }
    }

    @Override
    public Bundle coreBundle() {
        return context.getBundle();
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public String mode() {
        return configuration != null && inetd(configuration) ? "inetd" : "standalone";
    }

    /**
     * Whether the framework or this bundle is stopping: modules then leave one by one, and
     * rebuilding the configuration for each would only log spurious "unknown directive" warnings.
     */
    private boolean stopping() {
        BundleContext c = context;
        if (!active) {
            return true;
        }
        if (c == null) {
            return false;
        }
        try {
            return c.getBundle().getState() == Bundle.STOPPING
                    || c.getBundle(Constants.SYSTEM_BUNDLE_ID).getState() == Bundle.STOPPING;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    // ------------------------------------------------------------ connections

    private void accepted(SocketChannel channel) {
        Configuration c = configuration;
        if (c == null || !active) {
            closeQuietly(channel);
            return;
        }
        long max = c.mainServer().node().directives(CoreDirectives.MAX_INSTANCES.name()).stream()
                .map(e -> e.value(CoreDirectives.MAX_INSTANCES).value()).findFirst().orElse(0L);
        if (max > 0 && sessions.size() >= max) {
            log.log(Level.NOTICE, "MaxInstances (" + max + ") reached, new connection denied");
            closeQuietly(channel);
            return;
        }
        String id = Long.toHexString(sessionIds.incrementAndGet());
        SessionImpl session = new SessionImpl(this, channel, id);
        Thread.ofVirtual().name("ftp-session-" + id).start(session::run);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // refused anyway
        }
    }

    // ------------------------------------------------------------ status service

    private void publish() {
        if (context == null || !active) {
            return;
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("modftpd.action", "reload");
        props.put("modftpd.state", state);
        props.put("modftpd.generation", configuration == null ? 0L : configuration.generation());
        props.put("modftpd.modules", table.moduleNames().toArray(String[]::new));
        props.put("modftpd.problems", problems.toArray(String[]::new));
        List<InetSocketAddress> ports = listeners == null ? List.of() : listeners.bound();
        props.put("modftpd.ports", ports.stream().map(a -> a.getPort()).distinct().toArray(Integer[]::new));
        if (status == null) {
            Runnable reload = this::reload;
            status = context.registerService(Runnable.class, reload, props);
        } else {
            try {
                status.setProperties(props);
            } catch (IllegalStateException ignored) {
                // the bundle is stopping
            }
        }
    }

    private void exit(int code) {
        if (context == null) {
            return;
        }
        try {
            Collection<ServiceReference<IntConsumer>> refs = context.getServiceReferences(IntConsumer.class,
                    "(modftpd.launcher=exit)");
            for (ServiceReference<IntConsumer> r : refs) {
                IntConsumer c = context.getService(r);
                if (c != null) {
                    c.accept(code);
                    context.ungetService(r);
                    return;
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException | IllegalStateException e) {
            log.log(Level.WARN, "unable to reach the launcher: " + e);
        }
    }

    private Optional<String> property(String name) {
        String v = context.getProperty(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    // ------------------------------------------------------------ ServerRuntime

    @Override
    public ModuleTable modules() {
        return table;
    }

    @Override
    public Configuration configuration() {
        return configuration;
    }

    @Override
    public ServerLog log() {
        return log;
    }

    @Override
    public TransferLog transferLog() {
        return transferLog;
    }

    @Override
    public ScheduledExecutorService timer() {
        return timer;
    }

    @Override
    public org.modftpd.core.internal.session.FtpAccessFiles ftpAccess() {
        return ftpAccess;
    }

    @Override
    public BufferPool buffers() {
        return buffers;
    }

    @Override
    public void commandReceived() {
        quietCollector.activity();
    }

    @Override
    public BufferPool smallFileBuffers() {
        return smallFileBuffers;
    }

    @Override
    public void sessionStarted(SessionImpl session) {
        quietCollector.activity();
        sessions.put(session.id(), session);
    }

    @Override
    public void sessionEnded(SessionImpl session) {
        quietCollector.activity();
        sessions.remove(session.id());
        synchronized (sessions) {
            sessions.notifyAll();
        }
        if (draining && sessions.isEmpty()) {
            log.log(Level.NOTICE, "the last session has ended; exiting after the takeover");
            exit(0);
        }
    }

    @Override
    public Collection<SessionImpl> sessions() {
        return sessions.values();
    }

    @Override
    public ShutdownFiles shutdownFiles() {
        return shutdownFiles;
    }

    @Override
    public String version() {
        return version;
    }

}

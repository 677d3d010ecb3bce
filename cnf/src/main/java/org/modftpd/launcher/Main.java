package org.modftpd.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * Starts Felix with the bundles of {@code conf/modftpd.bndrun} and hands ProFTPD's command-line
 * options to the server as framework properties: {@code -c file}, {@code -t}, {@code -D name},
 * {@code -n} (accepted; this process always runs in the foreground), {@code -q}, {@code -d level}.
 * With the system property {@code modftpd.pidfile} (set by {@code bin/modftpd} when it detaches) the
 * process writes its pid there once the server listens, and removes it when it ends.
 * SIGHUP reloads the configuration; SIGTERM and SIGINT stop the server cleanly. The exit status is
 * the server's: 0 (also after SIGTERM or SIGINT), 1 when the configuration is refused, 2 for a usage
 * error.
 */
public final class Main {

    private static final String USAGE = """
            usage: modftpd [options]
              -c, --config FILE   the configuration file (default: $MODFTPD_HOME/etc/proftpd.conf)
              -t, --configtest    check the configuration syntax and exit (0 when it is good)
              -D, --define NAME   define NAME for <IfDefine> (repeatable)
              -n, --nodaemon      run in the foreground (bin/modftpd daemonizes without it)
              -q, --quiet         log warnings and errors only
              -d, --debug LEVEL   log debugging output (any LEVEL above 0)
                  --shell         attach the Gogo shell to this terminal
                  --takeover      take the listening ports over from the running server, which then
                                  stops accepting and exits once its sessions have ended
              -v, --version       print the version and exit
              -h, --help          print this help and exit
            """;

    /** Short options without a value, which may start a cluster. */
    private static final String FLAGS = "tnqvh";
    /** Short options that take a value. */
    private static final String VALUED = "cDd";
    /** Options whose value is the next argument, taken as it is (even when it starts with '-'). */
    private static final List<String> WITH_VALUE = List.of("-c", "-D", "-d", "--config", "--define", "--debug");

    /** The start level of the Gogo bundles in conf/modftpd.bndrun: reached only with --shell. */
    private static final int SHELL_START_LEVEL = 6;

    private final AtomicInteger exitCode = new AtomicInteger();
    private volatile Framework framework;

    public static void main(String[] args) {
        int code;
        try {
            code = new Main().run(args);
        } catch (UsageException e) {
            System.err.println("modftpd: " + e.getMessage());
            System.err.print(USAGE);
            code = 2;
        } catch (Exception e) {
            System.err.println("modftpd: " + e);
            code = 1;
        }
        System.exit(code);
    }

    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private int run(String[] args) throws Exception {
        Path home = home();
        String config = null;
        boolean check = false;
        boolean quiet = false;
        boolean debug = false;
        boolean shell = false;
        boolean takeover = false;
        List<String> defines = new ArrayList<>();
        args = splitShortOptions(args);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-c", "--config" -> config = value(args, ++i, a);
                case "-t", "--configtest" -> check = true;
                case "-D", "--define" -> defines.add(value(args, ++i, a));
                case "-n", "--nodaemon" -> { }
                case "-q", "--quiet" -> quiet = true;
                case "-d", "--debug" -> debug = level(value(args, ++i, a), a) > 0;
                case "--shell" -> shell = true;
                case "--takeover" -> takeover = true;
                case "-v", "--version" -> {
                    System.out.println("modftpd " + version());
                    return 0;
                }
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return 0;
                }
                default -> throw new UsageException("unknown option '" + a + "'");
            }
        }
        Path configFile = Path.of(config != null ? config : home.resolve("etc/proftpd.conf").toString())
                .toAbsolutePath().normalize();
        boolean inetd = !check && System.inheritedChannel() instanceof java.nio.channels.SocketChannel;
        if (inetd) {
            keepConsoleOffTheSocket(home);
        }
        configureLogging(check, quiet, debug);

        RunFile run = RunFile.read(home.resolve("conf/modftpd.bndrun"), Map.of("modftpd.home", home.toString()));
        Map<String, String> props = new LinkedHashMap<>(run.properties());
        props.put("modftpd.home", home.toString());
        props.put("modftpd.config", configFile.toString());
        props.put("modftpd.defines", String.join(",", defines));
        props.put("modftpd.check", Boolean.toString(check));
        props.put("modftpd.takeover", Boolean.toString(takeover && !check));
        if (shell) {
            props.put("gosh.args", "");
            props.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(SHELL_START_LEVEL));
        }
        Path checkStorage = null;
        if (check || inetd || takeover) {
            checkStorage = Files.createTempDirectory("modftpd-" + (check ? "check" : inetd ? "inetd" : "takeover"));
            props.put(Constants.FRAMEWORK_STORAGE, checkStorage.toString());
            props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        }
        try {
            return start(home, run, props, check);
        } finally {
            if (checkStorage != null) {
                deleteTree(checkStorage);
            }
        }
    }

    private int start(Path home, RunFile run, Map<String, String> props, boolean check) throws Exception {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        framework = factory.newFramework(props);
        framework.init();
        BundleContext context = framework.getBundleContext();
        Hashtable<String, Object> exitProps = new Hashtable<>();
        exitProps.put("modftpd.launcher", "exit");
        IntConsumer exit = this::exit;
        context.registerService(IntConsumer.class, exit, exitProps);
        install(context, home.resolve("bundle"), run);
        String pidPath = System.getProperty("modftpd.pidfile");
        PidFile pidFile = check || pidPath == null || pidPath.isBlank() ? null : new PidFile(Path.of(pidPath));
        if (pidFile != null) {
            context.addServiceListener(event -> pidFile.write(),
                    "(&(objectClass=java.lang.Runnable)(modftpd.action=reload)(modftpd.state=running))");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "modftpd-shutdown"));
        Signals.onTerminate(() -> Thread.ofPlatform().name("modftpd-stop").start(this::stop));
        if (!check) {
            Signals.onHangup(this::reload);
        }
        try {
            framework.start();
            FrameworkEvent stopped;
            do {
                stopped = framework.waitForStop(0);
            } while (stopped.getType() == FrameworkEvent.STOPPED_UPDATE);
            return exitCode.get();
        } finally {
            if (pidFile != null) {
                pidFile.remove();
            }
        }
    }

    /** Removes the throw-away framework storage of {@code -t}; what cannot be removed stays. */
    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // left behind in the temporary folder
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // left behind in the temporary folder
        }
    }

    private static int level(String value, String option) throws UsageException {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a number, not '" + value + "'");
        }
    }

    /**
     * Started by inetd: standard input and output are the client's connection, so console output
     * goes to var/log/modftpd.inetd.log instead.
     */
    private static void keepConsoleOffTheSocket(Path home) throws IOException {
        Path log = home.resolve("var/log/modftpd.inetd.log");
        Files.createDirectories(log.getParent());
        java.io.PrintStream file = new java.io.PrintStream(Files.newOutputStream(log,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true,
                java.nio.charset.StandardCharsets.UTF_8);
        System.setOut(file);
        System.setErr(file);
    }

    /**
     * Splits clusters of short options as getopt does, so ProFTPD's {@code -nq}, {@code -td5} or
     * {@code -nc/etc/proftpd.conf} work: flags stand alone; after an option that takes a value,
     * the rest of the cluster is that value.
     */
    static String[] splitShortOptions(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (WITH_VALUE.contains(a)) {
                out.add(a);
                if (i + 1 < args.length) {
                    out.add(args[++i]);
                }
                continue;
            }
            if (a.length() <= 2 || !a.startsWith("-") || a.startsWith("--")
                    || !(FLAGS + VALUED).contains(a.substring(1, 2))) {
                out.add(a);
                continue;
            }
            for (int k = 1; k < a.length(); k++) {
                String letter = a.substring(k, k + 1);
                out.add("-" + letter);
                if (VALUED.contains(letter)) {
                    if (k + 1 < a.length()) {
                        out.add(a.substring(k + 1));
                    } else if (i + 1 < args.length) {
                        out.add(args[++i]);
                    }
                    break;
                }
            }
        }
        return out.toArray(String[]::new);
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static Path home() {
        String h = System.getProperty("modftpd.home");
        if (h == null) {
            h = System.getenv("MODFTPD_HOME");
        }
        if (h == null) {
            throw new IllegalStateException("MODFTPD_HOME is not set (use bin/modftpd)");
        }
        return Path.of(h).toAbsolutePath().normalize();
    }

    private static String version() {
        Package p = Main.class.getPackage();
        return p.getImplementationVersion() == null ? "(development)" : p.getImplementationVersion();
    }

    private static void configureLogging(boolean check, boolean quiet, boolean debug) {
        String level = check ? "off" : debug ? "debug" : quiet ? "warn" : "info";
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss,SSS");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
        // Some bundles (the PostgreSQL driver) log through java.util.logging; -t and -q show only its warnings.
        if (check || quiet) {
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        }
    }

    /** Installs the bundles of the run file from the bundle folder, each with its start level. */
    private static void install(BundleContext context, Path folder, RunFile run) throws IOException, BundleException {
        Map<String, Path> bySymbolicName = new HashMap<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(folder, "*.jar")) {
            for (Path jar : jars) {
                String bsn = symbolicName(jar);
                if (bsn != null) {
                    bySymbolicName.put(bsn, jar);
                }
            }
        }
        for (RunFile.RunBundle rb : run.bundles()) {
            Path jar = bySymbolicName.get(rb.symbolicName());
            if (jar == null) {
                throw new IllegalStateException("bundle " + rb.symbolicName() + " named in conf/modftpd.bndrun is not in "
                        + folder);
            }
            Bundle b = context.installBundle("reference:" + jar.toUri());
            b.adapt(BundleStartLevel.class).setStartLevel(rb.startLevel());
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                b.start(Bundle.START_ACTIVATION_POLICY);
            }
        }
    }

    private static String symbolicName(Path jar) throws IOException {
        try (JarFile f = new JarFile(jar.toFile())) {
            Manifest m = f.getManifest();
            String bsn = m == null ? null : m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            return bsn == null ? null : bsn.split(";")[0].strip();
        }
    }

    /** Called by the server (through the IntConsumer service) to end the process with a status. */
    private void exit(int code) {
        exitCode.set(code);
        Thread.ofPlatform().name("modftpd-exit").start(this::stop);
    }

    private void stop() {
        Framework f = framework;
        if (f == null) {
            return;
        }
        try {
            if ((f.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                f.stop();
            }
            f.waitForStop(30_000);
        } catch (BundleException | InterruptedException e) {
            System.err.println("modftpd: stopping the framework: " + e);
        }
    }

    /** SIGHUP: asks the server to re-read its configuration. */
    private void reload() {
        Framework f = framework;
        if (f == null || f.getBundleContext() == null) {
            return;
        }
        try {
            for (ServiceReference<Runnable> ref : f.getBundleContext().getServiceReferences(Runnable.class,
                    "(modftpd.action=reload)")) {
                Runnable r = f.getBundleContext().getService(ref);
                if (r != null) {
                    Thread.ofPlatform().name("modftpd-reload").start(r);
                }
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            System.err.println("modftpd: reload: " + e);
        }
    }

}

package org.modftpd.core.internal.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.core.internal.config.Configuration;
import org.modftpd.core.internal.config.ServerConfig;
import org.modftpd.core.internal.protocol.Addresses;
import org.modftpd.core.internal.session.SessionImpl;
import org.modftpd.core.internal.session.TransferControl;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

/**
 * What an operator asks of the running server — who is connected, counts, kicking sessions, reload,
 * module control — as plain text, shared by the Gogo commands and the control socket.
 */
public final class Operations {

    /** A module as the server knows it: where it came from and the directives it owns. */
    public record ModuleInfo(String name, Bundle bundle, List<String> directives, boolean active) {
    }

    /** The parts of the running server the operations read and steer. */
    public interface Server {
        Iterable<SessionImpl> sessions();

        Configuration configuration();

        List<String> reload();

        List<ModuleInfo> moduleInfo();

        Bundle coreBundle();

        String version();

        Instant startedAt();

        String mode();

        /** Stops accepting and lets the sessions finish; the process exits after the last one. */
        String drain();
    }

    private final Server server;

    public Operations(Server server) {
        this.server = server;
    }

    /** Runs one control command line ({@code who}, {@code kick user alice}, ...) and returns its output. */
    public String execute(List<String> words) {
        if (words.isEmpty()) {
            return help();
        }
        String verb = words.get(0).toLowerCase(Locale.ROOT);
        List<String> args = words.subList(1, words.size());
        return switch (verb) {
            case "who" -> who(args.contains("-v") || args.contains("--verbose"));
            case "count" -> count();
            case "kick" -> args.size() == 2 ? kick(args.get(0), args.get(1))
                    : "usage: kick user|host|class|session <value>";
            case "reload", "restart" -> reload();
            case "modules", "lsmod" -> modules();
            case "enable" -> args.size() == 1 ? enable(args.get(0)) : "usage: enable <mod_name.c>";
            case "disable" -> args.size() == 1 ? disable(args.get(0)) : "usage: disable <mod_name.c>";
            case "drain" -> server.drain();
            case "help" -> help();
            default -> "unknown action '" + words.get(0) + "'\n" + help();
        };
    }

    public String help() {
        return """
                who [-v]                          sessions: user, client, server, idle, command, transfer
                count                             sessions per virtual host and class
                kick user|host|class|session X    disconnect matching sessions
                reload                            re-read the configuration (like SIGHUP)
                modules                           modules with bundle, version, state and directives
                enable mod_x.c / disable mod_x.c  start or stop the bundle that provides a module
                drain                             stop accepting, exit after the last session (takeover)
                """;
    }

    /** ftpwho: one line per session. */
    public String who(boolean verbose) {
        StringBuilder out = new StringBuilder();
        List<SessionImpl> list = sorted();
        out.append(String.format(Locale.ROOT, "modftpd %s %s, up for %s%n", server.version(), server.mode(),
                duration(Duration.between(server.startedAt(), Instant.now()))));
        if (list.isEmpty()) {
            out.append("no users connected\n");
            return out.toString();
        }
        out.append(String.format(Locale.ROOT, "%-6s %-12s %-22s %-28s %8s  %s%n", "ID", "USER", "CLIENT", "SERVER",
                "IDLE", "COMMAND"));
        Instant now = Instant.now();
        for (SessionImpl s : list) {
            out.append(String.format(Locale.ROOT, "%-6s %-12s %-22s %-28s %8s  %s%n", s.id(), user(s),
                    Addresses.text(s.remoteAddress().getAddress()), serverLabel(s.server()),
                    duration(Duration.ofNanos(s.idleNanos())), activity(s)));
            if (verbose) {
                out.append(String.format(Locale.ROOT, "       client: %s [%s] port %d, connected %s ago%n",
                        s.remoteHostName() == null ? Addresses.text(s.remoteAddress().getAddress()) : s.remoteHostName(),
                        Addresses.text(s.remoteAddress().getAddress()), s.remoteAddress().getPort(),
                        duration(Duration.between(s.connectedAt(), now))));
                out.append(String.format(Locale.ROOT, "       server: %s:%d (%s)%s%n",
                        Addresses.text(s.localAddress().getAddress()), s.localAddress().getPort(), s.server().name(),
                        s.connectionClass().map(c -> ", class " + c).orElse("")));
            }
        }
        out.append(String.format(Locale.ROOT, "%d session%s%n", list.size(), list.size() == 1 ? "" : "s"));
        return out.toString();
    }

    private static String user(SessionImpl s) {
        return s.identity().map(i -> i.name()).orElse(s.requestedUser().map(u -> "(" + u + ")").orElse("(none)"));
    }

    private static String activity(SessionImpl s) {
        TransferControl t = s.currentTransfer();
        if (t != null) {
            long bytes = t.bytes();
            double seconds = Math.max(t.elapsedNanos() / 1e9, 1e-3);
            String rate = rate(bytes / seconds);
            String progress = t.expectedBytes() > 0
                    ? String.format(Locale.ROOT, "%d/%d bytes (%d%%)", bytes, t.expectedBytes(),
                            Math.min(100, bytes * 100 / t.expectedBytes()))
                    : bytes + " bytes";
            return t.command() + " " + t.clientPath() + "  " + progress + "  " + rate;
        }
        String current = s.currentCommand();
        if (!current.isEmpty()) {
            return current;
        }
        String last = s.lastCommand();
        return last.isEmpty() ? "idle" : "idle (last: " + last + ")";
    }

    private static String rate(double bytesPerSecond) {
        if (bytesPerSecond >= 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB/s", bytesPerSecond / (1024 * 1024));
        }
        return String.format(Locale.ROOT, "%.1f KiB/s", bytesPerSecond / 1024);
    }

    /** ftpcount: sessions per virtual host (every configured one, even with none), then per class. */
    public String count() {
        Map<String, Integer> perServer = new LinkedHashMap<>();
        Configuration c = server.configuration();
        if (c != null) {
            for (ServerConfig sc : c.servers()) {
                perServer.put(serverLabel(sc), 0);
            }
        }
        Map<String, Integer> perClass = new LinkedHashMap<>();
        int total = 0;
        int authenticated = 0;
        for (SessionImpl s : server.sessions()) {
            perServer.merge(serverLabel(s.server()), 1, Integer::sum);
            s.connectionClass().ifPresent(cls -> perClass.merge(cls, 1, Integer::sum));
            total++;
            if (s.authenticated()) {
                authenticated++;
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "modftpd %s %s:%n", server.version(), server.mode()));
        perServer.forEach((name, n) -> out.append(String.format(Locale.ROOT, "%s - %d user%s%n", name, n,
                n == 1 ? "" : "s")));
        perClass.forEach((cls, n) -> out.append(String.format(Locale.ROOT, "Service class %s - %d user%s%n", cls, n,
                n == 1 ? "" : "s")));
        out.append(String.format(Locale.ROOT, "total - %d session%s, %d logged in%n", total, total == 1 ? "" : "s",
                authenticated));
        return out.toString();
    }

    /** Disconnects the sessions of a user, a client address, a class, or one session by id. */
    public String kick(String kind, String value) {
        Predicate<SessionImpl> which = switch (kind.toLowerCase(Locale.ROOT)) {
            case "user" -> s -> s.identity().map(i -> i.name().equals(value)).orElse(false)
                    || s.identity().isEmpty() && s.requestedUser().map(value::equals).orElse(false);
            case "host" -> s -> Addresses.text(s.remoteAddress().getAddress()).equalsIgnoreCase(value)
                    || value.equalsIgnoreCase(s.remoteHostName());
            case "class" -> s -> s.connectionClass().map(value::equals).orElse(false);
            case "session" -> s -> s.id().equals(value);
            default -> null;
        };
        if (which == null) {
            return "usage: kick user|host|class|session <value>";
        }
        int kicked = 0;
        for (SessionImpl s : sorted()) {
            if (which.test(s) && !s.closing()) {
                s.log().notice("disconnected by the administrator (kick " + kind + " " + value + ")");
                s.disconnect("Disconnected by the administrator");
                kicked++;
            }
        }
        return "kicked " + kicked + " session" + (kicked == 1 ? "" : "s");
    }

    public String reload() {
        List<String> problems = server.reload();
        if (problems.isEmpty()) {
            return "configuration reloaded (generation " + server.configuration().generation() + ")";
        }
        return "reload refused; the previous configuration stays in effect:\n" + String.join("\n", problems);
    }

    /** Every module with its bundle, version, state and the directives it owns. */
    public String modules() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-22s %-32s %-16s %-9s %s%n", "MODULE", "BUNDLE", "VERSION", "STATE",
                "DIRECTIVES"));
        for (ModuleInfo m : server.moduleInfo().stream().sorted(Comparator.comparing(ModuleInfo::name)).toList()) {
            out.append(String.format(Locale.ROOT, "%-22s %-32s %-16s %-9s %s%n", m.name(),
                    m.bundle().getSymbolicName() + " [" + m.bundle().getBundleId() + "]", m.bundle().getVersion(),
                    m.active() ? "enabled" : "disabled", m.directives().isEmpty() ? "-" : String.join(" ", m.directives())));
        }
        return out.toString();
    }

    public String enable(String name) {
        return control(name, true);
    }

    public String disable(String name) {
        return control(name, false);
    }

    private String control(String name, boolean start) {
        ModuleInfo m = server.moduleInfo().stream().filter(i -> i.name().equals(name)).findFirst().orElse(null);
        if (m == null) {
            return "no module " + name + " (see 'modules')";
        }
        Bundle b = m.bundle();
        if (b.getBundleId() == server.coreBundle().getBundleId()) {
            return name + " is part of the core bundle and cannot be " + (start ? "enabled" : "disabled");
        }
        List<String> together = server.moduleInfo().stream().filter(i -> i.bundle().getBundleId() == b.getBundleId())
                .map(ModuleInfo::name).filter(n -> !n.equals(name)).toList();
        try {
            if (start) {
                b.start();
            } else {
                b.stop();
            }
        } catch (BundleException | IllegalStateException e) {
            return "unable to " + (start ? "start " : "stop ") + b.getSymbolicName() + ": " + e.getMessage();
        }
        return name + (start ? " enabled" : " disabled") + " (bundle " + b.getSymbolicName() + " "
                + (start ? "started" : "stopped") + ")"
                + (together.isEmpty() ? "" : "; the same bundle also provides " + String.join(", ", together));
    }

    private List<SessionImpl> sorted() {
        List<SessionImpl> list = new ArrayList<>();
        server.sessions().forEach(list::add);
        list.sort(Comparator.comparingLong(s -> Long.parseLong(s.id(), 16)));
        return list;
    }

    private static String serverLabel(ServerConfig sc) {
        String where = sc.addresses().isEmpty() ? "*" : Addresses.text(sc.addresses().get(0));
        return sc.name() + " (" + where + ":" + sc.port() + ")";
    }

    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60) + "s";
        }
        if (s < 86400) {
            return (s / 3600) + "h" + (s % 3600 / 60) + "m";
        }
        return (s / 86400) + "d" + (s % 86400 / 3600) + "h";
    }

    /** The directive names a module owns. */
    public static List<String> directiveNames(List<DirectiveSpec<?>> specs) {
        return specs.stream().map(DirectiveSpec::name).toList();
    }
}

package org.modftpd.core.internal.modules;

import static org.modftpd.core.internal.modules.Support.session;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.modftpd.api.Command;
import org.modftpd.api.Command.Outcome;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.api.DirectiveSpec.Merge;
import org.modftpd.api.LogTemplate;
import org.modftpd.api.Session;
import org.modftpd.core.internal.config.DirectiveEntry;
import org.modftpd.core.internal.dispatch.ModuleTable;
import org.modftpd.core.internal.session.SessionImpl;
import org.modftpd.spi.CommandSpec;
import org.modftpd.spi.CommandSpec.CommandClass;
import org.modftpd.spi.FtpModule;
import org.modftpd.spi.ModulePriority;
import org.modftpd.spi.Phase;
import org.modftpd.spi.SessionHooks;
import org.osgi.service.component.annotations.Component;

/**
 * mod_log.c: ExtendedLog files in LogFormat formats, selected by command class, written after each
 * command (and at connect and exit for the CONNECT and EXIT classes).
 */
@Component(service = FtpModule.class)
public final class LogModule implements FtpModule {

    static final String DEFAULT_FORMAT = "%h %l %u %t \"%r\" %s %b";

    /** {@code LogFormat name "format"}. */
    record Format(String name, LogTemplate template) {
    }

    /** {@code ExtendedLog path [classes [format]]}. */
    record Extended(Optional<Path> file, Set<String> classes, boolean negated, String format) {
        boolean wants(String cls) {
            boolean listed = classes.contains("ALL") ? !cls.equals("EXIT") && !cls.equals("CONNECT")
                    || classes.contains(cls) : classes.contains(cls);
            return listed != negated;
        }
    }

    private static final Set<String> CLASSES = Set.of("ALL", "NONE", "AUTH", "INFO", "DIRS", "READ", "WRITE", "MISC",
            "SEC", "EXIT", "CONNECT", "DISCONNECT", "SSH", "SFTP", "SITE");

    static final DirectiveSpec<Format> LOG_FORMAT = DirectiveSpec.builder("LogFormat",
            args -> new Format(args.get(0), LogTemplate.parse(args.get(1)))).args(2, 2).repeatable()
            .merge(Merge.DOWN_MULTI).build();

    static final DirectiveSpec<Extended> EXTENDED_LOG = DirectiveSpec.builder("ExtendedLog", args -> {
        String target = args.get(0);
        Optional<Path> file;
        if (target.equalsIgnoreCase("none")) {
            file = Optional.empty();
        } else if (target.startsWith("/")) {
            file = Optional.of(Path.of(target));
        } else {
            throw new IllegalArgumentException("'" + target + "' is not an absolute path or none");
        }
        Set<String> classes = Set.of("ALL");
        boolean negated = false;
        if (args.size() > 1) {
            String list = args.get(1);
            negated = list.startsWith("!");
            Set<String> parsed = new java.util.HashSet<>();
            for (String c : (negated ? list.substring(1) : list).split(",")) {
                String cls = c.strip().toUpperCase(Locale.ROOT);
                if (!CLASSES.contains(cls)) {
                    throw new IllegalArgumentException("unknown command class '" + c.strip() + "'");
                }
                parsed.add(cls);
            }
            classes = Set.copyOf(parsed);
        }
        return new Extended(file, classes, negated, args.size() > 2 ? args.get(2) : "default");
    }).args(1, 3).repeatable().contexts(DirectiveSpec.SERVER_ANON_CONTEXTS).build();

    @Override
    public String name() {
        return "mod_log.c";
    }

    @Override
    public int priority() {
        return ModulePriority.CORE + 6;
    }

    @Override
    public List<DirectiveSpec<?>> directives() {
        return List.of(LOG_FORMAT, EXTENDED_LOG);
    }

    @Override
    public List<CommandSpec> commands() {
        return List.of(CommandSpec.of(Phase.LOG_CMD, CommandSpec.ANY, this::logCommand),
                CommandSpec.of(Phase.LOG_CMD_ERR, CommandSpec.ANY, this::logCommand));
    }

    @Override
    public Optional<SessionHooks> sessionHooks() {
        return Optional.of(new SessionHooks() {
            @Override
            public void connected(Session s) {
                logSession((SessionImpl) s, "CONNECT");
            }

            @Override
            public void disconnected(Session s) {
                logSession((SessionImpl) s, "EXIT");
            }
        });
    }

    private Outcome logCommand(Command c) {
        SessionImpl s = session(c);
        List<Extended> logs = s.config().getAll(EXTENDED_LOG);
        if (logs.isEmpty()) {
            return Outcome.DECLINED;
        }
        String cls = commandClass(s.runtime().modules(), c.verb());
        for (Extended log : logs) {
            if (log.file().isPresent() && log.wants(cls)) {
                write(s, log, token -> c.variable(token).orElse(null));
            }
        }
        return Outcome.DECLINED;
    }

    private static void logSession(SessionImpl s, String cls) {
        if (s.config() == null) {
            return;
        }
        for (Extended log : s.config().getAll(EXTENDED_LOG)) {
            if (log.file().isPresent() && log.wants(cls)) {
                write(s, log, token -> s.variable(token).orElse(null));
            }
        }
    }

    private static String commandClass(ModuleTable table, String verb) {
        ModuleTable.HandlerBinding b = table.command(verb);
        CommandClass cls = b == null ? CommandClass.MISC : b.spec().commandClass();
        return cls.name();
    }

    private static void write(SessionImpl s, Extended log, Function<String, String> values) {
        LogTemplate template = format(s, log.format());
        if (template == null) {
            s.log().warn("ExtendedLog " + log.file().get() + ": no LogFormat named '" + log.format() + "'");
            return;
        }
        try {
            s.runtime().transferLog().write(log.file().get(), template.render(values));
        } catch (IOException e) {
            s.log().error("unable to write ExtendedLog " + log.file().get() + ": " + e.getMessage());
        }
    }

    /** A named LogFormat: the session's server first, then the main server (LogFormat is global in ProFTPD). */
    private static LogTemplate format(SessionImpl s, String name) {
        for (Format f : s.config().getAll(LOG_FORMAT)) {
            if (f.name().equals(name)) {
                return f.template();
            }
        }
        for (DirectiveEntry e : s.configuration().mainServer().node().directives(LOG_FORMAT.name())) {
            Format f = e.value(LOG_FORMAT);
            if (f.name().equals(name)) {
                return f.template();
            }
        }
        return name.equals("default") ? LogTemplate.parse(DEFAULT_FORMAT) : null;
    }
}

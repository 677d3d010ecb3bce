package org.modftpd.core.internal.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.spi.AuthProvider;
import org.modftpd.spi.CommandSpec;
import org.modftpd.spi.FtpModule;
import org.modftpd.spi.SectionSpec;
import org.modftpd.spi.SessionHooks;

/**
 * One bound module revision with what it contributes, read once when it arrives so the tables stay
 * consistent however the module object behaves later.
 */
public final class ModuleEntry {
    private final FtpModule module;
    private final String name;
    private final int priority;
    private final String origin;
    private final List<DirectiveSpec<?>> directives;
    private final List<SectionSpec> sections;
    private final List<CommandSpec> commands;
    private final Optional<AuthProvider> authProvider;
    private final Optional<SessionHooks> hooks;
    private final InFlight inFlight = new InFlight();

    public ModuleEntry(FtpModule module, String origin) {
        this.module = module;
        this.name = module.name();
        this.priority = module.priority();
        this.origin = origin;
        this.directives = List.copyOf(module.directives());
        this.sections = List.copyOf(module.sections());
        this.commands = List.copyOf(module.commands());
        this.authProvider = module.authProvider();
        this.hooks = module.sessionHooks();
    }

    public FtpModule module() {
        return module;
    }

    public String name() {
        return name;
    }

    public int priority() {
        return priority;
    }

    /** Where the module came from, for listings: bundle symbolic name and version. */
    public String origin() {
        return origin;
    }

    public List<DirectiveSpec<?>> directives() {
        return directives;
    }

    public List<SectionSpec> sections() {
        return sections;
    }

    public List<CommandSpec> commands() {
        return commands;
    }

    public Optional<AuthProvider> authProvider() {
        return authProvider;
    }

    public Optional<SessionHooks> hooks() {
        return hooks;
    }

    /**
     * Enters the module unless it has left (see {@link #retire()}); when this returns true, pair it
     * with {@link #exit()}. A module that left may already be deactivated: commands that started
     * while it was present must not call it any more.
     */
    public boolean tryEnter() {
        return inFlight.enter();
    }

    /**
     * Marks this revision as gone: it is out of the module table, and from now on calls that still
     * hold an older table skip it. Calls already inside finish; {@link #drain} waits for them.
     */
    public void retire() {
        inFlight.close();
    }

    public void exit() {
        inFlight.exit();
    }

    /**
     * Turns new calls away ({@link #tryEnter()} answers false from now on) and waits for calls inside
     * this module to return; the number still inside after {@code limit}.
     */
    public int drain(Duration limit) throws InterruptedException {
        return inFlight.drain(limit);
    }

    @Override
    public String toString() {
        return name + " (" + origin + ")";
    }
}

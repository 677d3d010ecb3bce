package org.modftpd.spi;

import java.util.Locale;
import java.util.Objects;

/**
 * One entry of a module's command table (ProFTPD's {@code cmdtable}): which verb in which phase, the
 * handler, whether it needs a logged-in session, its {@code <Limit>} group, its logging class and
 * its HELP syntax. The verb {@code *} matches every command; {@code *} handlers run before the
 * named ones in each phase.
 */
public final class CommandSpec {

    /** ProFTPD's command classes, used by ExtendedLog and friends to select commands. */
    public enum CommandClass { AUTH, INFO, DIRS, READ, WRITE, MISC, SEC, CONNECT, DISCONNECT, NONE }

    public static final String ANY = "*";

    private final Phase phase;
    private final String verb;
    private final CommandHandler handler;
    private final boolean requiresAuth;
    private final String group;
    private final CommandClass commandClass;
    private final String helpSyntax;

    private CommandSpec(Phase phase, String verb, CommandHandler handler, boolean requiresAuth, String group,
            CommandClass commandClass, String helpSyntax) {
        this.phase = Objects.requireNonNull(phase);
        this.verb = verb.toUpperCase(Locale.ROOT);
        this.handler = Objects.requireNonNull(handler);
        this.requiresAuth = requiresAuth;
        this.group = group;
        this.commandClass = commandClass;
        this.helpSyntax = helpSyntax;
    }

    /** A CMD-phase handler that requires login (but for {@code *}), in no group, class MISC, not listed by HELP. */
    public static CommandSpec of(String verb, CommandHandler handler) {
        return new CommandSpec(Phase.CMD, verb, handler, !ANY.equals(verb), "", CommandClass.MISC, null);
    }

    /** A handler for another phase; phases other than CMD never require login. */
    public static CommandSpec of(Phase phase, String verb, CommandHandler handler) {
        return new CommandSpec(phase, verb, handler, phase == Phase.CMD, "", CommandClass.MISC, null);
    }

    public CommandSpec withoutLogin() {
        return new CommandSpec(phase, verb, handler, false, group, commandClass, helpSyntax);
    }

    /** The {@code <Limit>} group: READ, WRITE or DIRS. */
    public CommandSpec group(String limitGroup) {
        return new CommandSpec(phase, verb, handler, requiresAuth, limitGroup, commandClass, helpSyntax);
    }

    public CommandSpec commandClass(CommandClass cls) {
        return new CommandSpec(phase, verb, handler, requiresAuth, group, cls, helpSyntax);
    }

    /** Lists the command in HELP with this syntax (for example {@code <sp> pathname}). */
    public CommandSpec help(String syntax) {
        return new CommandSpec(phase, verb, handler, requiresAuth, group, commandClass, syntax);
    }

    public Phase phase() {
        return phase;
    }

    public String verb() {
        return verb;
    }

    public CommandHandler handler() {
        return handler;
    }

    public boolean requiresAuth() {
        return requiresAuth;
    }

    public String group() {
        return group;
    }

    public CommandClass commandClass() {
        return commandClass;
    }

    /** The HELP syntax, or null when the command is not listed. */
    public String helpSyntax() {
        return helpSyntax;
    }

    @Override
    public String toString() {
        return phase + " " + verb;
    }
}

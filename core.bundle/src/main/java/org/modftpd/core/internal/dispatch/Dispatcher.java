package org.modftpd.core.internal.dispatch;

import java.io.IOException;
import java.util.List;
import org.modftpd.api.Command.Outcome;
import org.modftpd.api.FtpReplyException;
import org.modftpd.api.Session;
import org.modftpd.core.internal.protocol.Reply;
import org.modftpd.spi.Phase;

/**
 * Runs one command through ProFTPD's phases: PRE_CMD, CMD, then POST_CMD and LOG_CMD on success or
 * POST_CMD_ERR and LOG_CMD_ERR on error, and flushes the matching reply list. Within a phase the
 * {@code *} handlers run first, then the named ones, each in module priority order, until one
 * answers HANDLED or ERROR (in the LOG phases an ERROR does not stop the others).
 */
public final class Dispatcher {

    /** Where replies go and what the dispatcher needs to know of the session. */
    public interface Target {
        Session session();

        boolean authenticated();

        void send(List<Reply> replies) throws IOException;

        void log(String level, String message, Throwable error);
    }

    public static final String LOGIN_REQUIRED = "Please login with USER and PASS";

    private Dispatcher() {
    }

    /** Dispatches a command; returns the command record (for the caller's bookkeeping). */
    public static CommandImpl dispatch(ModuleTable table, Target target, String verb, String argument)
            throws IOException {
        ModuleTable.HandlerBinding primary = table.command(verb);
        String group = primary == null ? "" : primary.spec().group();
        CommandImpl cmd = new CommandImpl(verb, argument, target.session(), group);
        run(table, target, cmd);
        return cmd;
    }

    /** Dispatches an already built command record (used for nested dispatch such as SITE subcommands). */
    public static void run(ModuleTable table, Target target, CommandImpl cmd) throws IOException {
        Outcome pre = phase(table, target, cmd, Phase.PRE_CMD);
        Outcome result;
        if (pre == Outcome.ERROR) {
            result = Outcome.ERROR;
        } else {
            result = phase(table, target, cmd, Phase.CMD);
            if (result == Outcome.DECLINED) {
                cmd.error(500, displayVerb(cmd.verb()) + " not understood");
                result = Outcome.ERROR;
            }
        }
        List<Reply> replies;
        // The modules present now stay for both after-phases, so a module that leaves meanwhile
        // either sees the command's POST and LOG phases or neither (its SQLLog row goes with its
        // SQLShowInfo line); the wait for them is short, unlike a transfer's.
        List<ModuleEntry> held = hold(table);
        try {
            if (result == Outcome.HANDLED) {
                phase(table, target, cmd, Phase.POST_CMD, held);
                replies = sorted(cmd.successReplies());
                cmd.responseCode(lastCode(replies));
                cmd.responseText(lastText(replies));
                phase(table, target, cmd, Phase.LOG_CMD, held);
            } else {
                phase(table, target, cmd, Phase.POST_CMD_ERR, held);
                replies = sorted(cmd.errorReplies());
                cmd.responseCode(lastCode(replies));
                cmd.responseText(lastText(replies));
                phase(table, target, cmd, Phase.LOG_CMD_ERR, held);
            }
        } finally {
            for (ModuleEntry m : held) {
                m.exit();
            }
        }
        target.send(replies);
    }

    /** Enters every module of the table that has not left; the caller exits them. */
    private static List<ModuleEntry> hold(ModuleTable table) {
        List<ModuleEntry> held = new java.util.ArrayList<>(table.modules().size());
        for (ModuleEntry m : table.modules()) {
            if (m.tryEnter()) {
                held.add(m);
            }
        }
        return held;
    }

    private static Outcome phase(ModuleTable table, Target target, CommandImpl cmd, Phase phase) {
        return phase(table, target, cmd, phase, null);
    }

    /** ProFTPD sends the replies of one command in code order (a stable sort). */
    private static List<Reply> sorted(List<Reply> replies) {
        if (replies.size() < 2) {
            return replies;
        }
        List<Reply> copy = new java.util.ArrayList<>(replies);
        copy.sort(java.util.Comparator.comparingInt(Reply::code));
        return copy;
    }

    private static String lastText(List<Reply> replies) {
        return replies.isEmpty() ? null : replies.get(replies.size() - 1).text();
    }

    private static int lastCode(List<Reply> replies) {
        return replies.isEmpty() ? 0 : replies.get(replies.size() - 1).code();
    }

    /** {@code SITE_CHMOD} is shown as {@code SITE CHMOD}, as ProFTPD shows it. */
    public static String displayVerb(String verb) {
        return verb.replace('_', ' ');
    }

    /**
     * Runs one phase. Modules in {@code held} are already entered for this command; any other module
     * is entered per call, and skipped if it has left since the command started.
     */
    private static Outcome phase(ModuleTable table, Target target, CommandImpl cmd, Phase phase,
            List<ModuleEntry> held) {
        List<ModuleTable.HandlerBinding> handlers = table.handlers(phase, cmd.verb());
        boolean logPhase = phase == Phase.LOG_CMD || phase == Phase.LOG_CMD_ERR;
        boolean replyPhase = phase == Phase.PRE_CMD || phase == Phase.CMD;
        for (ModuleTable.HandlerBinding h : handlers) {
            if (h.spec().requiresAuth() && !target.authenticated()) {
                if (!replyPhase) {
                    continue;
                }
                cmd.error(530, LOGIN_REQUIRED);
                return Outcome.ERROR;
            }
            boolean holding = held != null && held.contains(h.module());
            if (!holding && !h.module().tryEnter()) {
                continue; // the module left after this command started
            }
            int errorsBefore = cmd.errorReplies().size();
            Outcome outcome;
            try {
                outcome = call(h, target, cmd, phase, replyPhase);
            } finally {
                if (!holding) {
                    h.module().exit();
                }
            }
            if (outcome == Outcome.ERROR && (logPhase || phase == Phase.POST_CMD)) {
                logInsteadOfSending(target, h, cmd, phase, errorsBefore);
            }
            if (outcome == Outcome.ERROR && logPhase) {
                continue;
            }
            if (outcome != Outcome.DECLINED) {
                return outcome;
            }
        }
        return Outcome.DECLINED;
    }

    /**
     * An error a handler returns in POST_CMD or a LOG phase is only logged, as in ProFTPD: its
     * lines are taken off the error list so the client never sees them.
     */
    private static void logInsteadOfSending(Dispatcher.Target target, ModuleTable.HandlerBinding h, CommandImpl cmd,
            Phase phase, int errorsBefore) {
        List<Reply> errors = cmd.errorReplies();
        while (errors.size() > errorsBefore) {
            Reply r = errors.remove(errorsBefore);
            target.log("warn", h.module().name() + " " + phase + " " + cmd.verb() + ": " + r.text(), null);
        }
    }

    /** Calls one handler; the caller has entered its module. */
    private static Outcome call(ModuleTable.HandlerBinding h, Target target, CommandImpl cmd, Phase phase,
            boolean replyPhase) {
        try {
            Outcome outcome = h.spec().handler().handle(cmd);
            return outcome == null ? Outcome.DECLINED : outcome;
        } catch (FtpReplyException e) {
            if (replyPhase || phase == Phase.POST_CMD_ERR) {
                return cmd.error(e.code(), e.text());
            }
            target.log("warn", h.module().name() + " " + phase + " " + cmd.verb() + ": " + e.text(), null);
            return Outcome.ERROR;
        } catch (RuntimeException | LinkageError e) {
            target.log("error", h.module().name() + " failed in " + phase + " " + cmd.verb() + ": " + e, e);
            if (replyPhase) {
                return cmd.error(451, "Requested action aborted: local error in processing");
            }
            return Outcome.ERROR;
        }
    }
}

package org.modftpd.core.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.modftpd.api.Command;
import org.modftpd.api.Command.Outcome;
import org.modftpd.api.FtpReplyException;
import org.modftpd.api.Session;
import org.modftpd.core.internal.protocol.Reply;
import org.modftpd.spi.CommandHandler;
import org.modftpd.spi.CommandSpec;
import org.modftpd.spi.FtpModule;
import org.modftpd.spi.Phase;

class DispatcherTest {

    /** A module made of a name, a priority and a command table. */
    record TestModule(String name, int priority, List<CommandSpec> commands) implements FtpModule {
    }

    /** Captures what the dispatcher sends and logs. */
    static final class Target implements Dispatcher.Target {
        boolean authenticated;
        final List<List<Reply>> sent = new ArrayList<>();
        final List<String> logs = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();

        @Override
        public Session session() {
            return null;
        }

        @Override
        public boolean authenticated() {
            return authenticated;
        }

        @Override
        public void send(List<Reply> replies) {
            sent.add(List.copyOf(replies));
        }

        @Override
        public void log(String level, String message, Throwable error) {
            logs.add(level + ": " + message);
            errors.add(error);
        }
    }

    private final List<String> calls = new ArrayList<>();
    private final Target target = new Target();

    /** A handler that records "label" and then answers with {@code then}. */
    private CommandHandler record(String label, CommandHandler then) {
        return c -> {
            calls.add(label);
            return then.handle(c);
        };
    }

    private CommandHandler declines(String label) {
        return record(label, c -> Outcome.DECLINED);
    }

    private static ModuleTable table(FtpModule... modules) {
        List<ModuleEntry> entries = new ArrayList<>();
        for (FtpModule m : modules) {
            entries.add(new ModuleEntry(m, "test"));
        }
        return ModuleTable.of(entries, p -> {
            throw new AssertionError(p);
        });
    }

    private static TestModule module(String name, int priority, CommandSpec... specs) {
        return new TestModule(name, priority, List.of(specs));
    }

    private CommandImpl dispatch(ModuleTable t, String verb, String arg) throws Exception {
        return Dispatcher.dispatch(t, target, verb, arg);
    }

    /** Handlers for every phase after CMD, each recording its phase. */
    private CommandSpec[] afterPhases(String verb) {
        return new CommandSpec[] {
            CommandSpec.of(Phase.POST_CMD, verb, declines("POST_CMD")),
            CommandSpec.of(Phase.POST_CMD_ERR, verb, declines("POST_CMD_ERR")),
            CommandSpec.of(Phase.LOG_CMD, verb, record("LOG_CMD", c -> {
                calls.add("code " + c.responseCode());
                return Outcome.DECLINED;
            })),
            CommandSpec.of(Phase.LOG_CMD_ERR, verb, record("LOG_CMD_ERR", c -> {
                calls.add("code " + c.responseCode());
                return Outcome.DECLINED;
            })),
        };
    }

    private static CommandSpec[] concat(CommandSpec[] a, CommandSpec... b) {
        CommandSpec[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static List<Reply> replies(Object... codeAndText) {
        List<Reply> out = new ArrayList<>();
        for (int i = 0; i < codeAndText.length; i += 2) {
            out.add(new Reply((Integer) codeAndText[i], (String) codeAndText[i + 1]));
        }
        return out;
    }

    // ------------------------------------------------------------------ phases

    @Test
    void successRunsPreCmdPostAndLogAndSendsTheSuccessList() throws Exception {
        ModuleTable t = table(module("mod_a.c", 1, concat(afterPhases("STOR"),
                CommandSpec.of(Phase.PRE_CMD, "STOR", declines("PRE_CMD")),
                CommandSpec.of("STOR", record("CMD", c -> c.reply(226, "Transfer complete"))).withoutLogin())));
        CommandImpl cmd = dispatch(t, "STOR", "file");
        assertEquals(List.of("PRE_CMD", "CMD", "POST_CMD", "LOG_CMD", "code 226"), calls);
        assertEquals(List.of(replies(226, "Transfer complete")), target.sent);
        assertEquals(226, cmd.responseCode());
        assertEquals("file", cmd.argument());
    }

    @Test
    void preCmdErrorSkipsCmdAndRunsTheErrorPhases() throws Exception {
        ModuleTable t = table(module("mod_a.c", 1, concat(afterPhases("STOR"),
                CommandSpec.of(Phase.PRE_CMD, "STOR", record("PRE_CMD", c -> c.error(550, "file: Permission denied"))),
                CommandSpec.of("STOR", declines("CMD")).withoutLogin())));
        dispatch(t, "STOR", "file");
        assertEquals(List.of("PRE_CMD", "POST_CMD_ERR", "LOG_CMD_ERR", "code 550"), calls);
        assertEquals(List.of(replies(550, "file: Permission denied")), target.sent);
    }

    @Test
    void cmdErrorSendsTheErrorListNotTheSuccessList() throws Exception {
        ModuleTable t = table(module("mod_a.c", 1, concat(afterPhases("DELE"),
                CommandSpec.of(Phase.PRE_CMD, "DELE", record("PRE_CMD", c -> c.reply(200, "never sent"))),
                CommandSpec.of("DELE", record("CMD", c -> c.error(550, "x: No such file or directory")))
                        .withoutLogin())));
        dispatch(t, "DELE", "x");
        assertEquals(List.of("PRE_CMD", "CMD", "POST_CMD_ERR", "LOG_CMD_ERR", "code 550"), calls);
        assertEquals(List.of(replies(550, "x: No such file or directory")), target.sent);
    }

    @Test
    void starHandlersRunBeforeNamedOnesInEachPhase() throws Exception {
        ModuleTable t = table(
                module("mod_a.c", 10, CommandSpec.of(Phase.PRE_CMD, "*", declines("A*")),
                        CommandSpec.of(Phase.PRE_CMD, "X", declines("AX")),
                        CommandSpec.of("X", record("A CMD", c -> c.reply(200, "ok"))).withoutLogin(),
                        CommandSpec.of(Phase.LOG_CMD, "X", declines("A LOG X"))),
                module("mod_b.c", 5, CommandSpec.of(Phase.PRE_CMD, "*", declines("B*")),
                        CommandSpec.of(Phase.PRE_CMD, "X", declines("BX")),
                        CommandSpec.of(Phase.LOG_CMD, "*", declines("B LOG *"))));
        dispatch(t, "X", "");
        assertEquals(List.of("A*", "B*", "AX", "BX", "A CMD", "B LOG *", "A LOG X"), calls);
    }

    @Test
    void firstHandledEndsThePhase() throws Exception {
        ModuleTable t = table(
                module("mod_a.c", 30, CommandSpec.of("X", declines("A")).withoutLogin(),
                        CommandSpec.of(Phase.POST_CMD, "X", record("A POST", c -> Outcome.HANDLED)),
                        CommandSpec.of(Phase.LOG_CMD, "X", declines("A LOG"))),
                module("mod_b.c", 20, CommandSpec.of("X", record("B", c -> c.reply(200, "B"))).withoutLogin(),
                        CommandSpec.of(Phase.POST_CMD, "X", declines("B POST")),
                        CommandSpec.of(Phase.LOG_CMD, "X", declines("B LOG"))),
                module("mod_c.c", 10, CommandSpec.of("X", record("C", c -> c.reply(200, "C"))).withoutLogin()));
        dispatch(t, "X", "");
        assertEquals(List.of("A", "B", "A POST", "A LOG", "B LOG"), calls);
        assertEquals(List.of(replies(200, "B")), target.sent);
    }

    @Test
    void firstErrorEndsPreCmd() throws Exception {
        ModuleTable t = table(
                module("mod_a.c", 30, CommandSpec.of(Phase.PRE_CMD, "X", record("A PRE", c -> c.error(501, "no")))),
                module("mod_b.c", 20, CommandSpec.of(Phase.PRE_CMD, "X", declines("B PRE")),
                        CommandSpec.of("X", declines("B CMD")).withoutLogin()));
        dispatch(t, "X", "");
        assertEquals(List.of("A PRE"), calls);
        assertEquals(List.of(replies(501, "no")), target.sent);
    }

    @Test
    void everyCmdHandlerDecliningGivesNotUnderstood() throws Exception {
        ModuleTable t = table(module("mod_a.c", 1, concat(afterPhases("FOO"),
                CommandSpec.of("FOO", declines("A")).withoutLogin())));
        dispatch(t, "FOO", "bar");
        assertEquals(List.of("A", "POST_CMD_ERR", "LOG_CMD_ERR", "code 500"), calls);
        assertEquals(List.of(replies(500, "FOO not understood")), target.sent);
    }

    @Test
    void unknownVerbGivesNotUnderstoodAndSiteSubcommandsShowASpace() throws Exception {
        ModuleTable t = table(module("mod_a.c", 1));
        dispatch(t, "XYZZY", "");
        dispatch(t, "SITE_FROB", "x");
        assertEquals(List.of(replies(500, "XYZZY not understood"), replies(500, "SITE FROB not understood")),
                target.sent);
        assertEquals("SITE CHMOD", Dispatcher.displayVerb("SITE_CHMOD"));
    }

    @Test
    void logPhasesKeepGoingAfterAnError() throws Exception {
        ModuleTable t = table(
                module("mod_a.c", 30, CommandSpec.of("X", record("A", c -> c.reply(200, "ok"))).withoutLogin(),
                        CommandSpec.of("Y", record("A", c -> c.error(550, "no"))).withoutLogin(),
                        CommandSpec.of(Phase.LOG_CMD, "X", record("A LOG", c -> c.error(599, "ignored"))),
                        CommandSpec.of(Phase.LOG_CMD_ERR, "Y", record("A LOGERR", c -> c.error(599, "ignored")))),
                module("mod_b.c", 20, CommandSpec.of(Phase.LOG_CMD, "X", declines("B LOG")),
                        CommandSpec.of(Phase.LOG_CMD_ERR, "Y", declines("B LOGERR"))));
        dispatch(t, "X", "");
        dispatch(t, "Y", "");
        assertEquals(List.of("A", "A LOG", "B LOG", "A", "A LOGERR", "B LOGERR"), calls);
        assertEquals(List.of(replies(200, "ok"), replies(550, "no")), target.sent);
    }

    @Test
    void errorTextsFromPostAndLogPhasesAreLoggedNotSent() throws Exception {
        // ProFTPD (reference 1.2): an error message in POST_CMD or LOG_* is only logged
        ModuleTable t = table(module("mod_a.c", 1,
                CommandSpec.of("X", c -> c.reply(200, "ok")).withoutLogin(),
                CommandSpec.of("Y", c -> c.error(550, "no")).withoutLogin(),
                CommandSpec.of(Phase.POST_CMD, "X", c -> c.error(451, "post")),
                CommandSpec.of(Phase.LOG_CMD, "X", c -> c.error(451, "log")),
                CommandSpec.of(Phase.POST_CMD_ERR, "Y", c -> c.error(550, "post-err")),
                CommandSpec.of(Phase.LOG_CMD_ERR, "Y", c -> c.error(451, "log-err"))));
        dispatch(t, "X", "");
        dispatch(t, "Y", "");
        assertEquals(List.of(replies(200, "ok"), replies(550, "no", 550, "post-err")), target.sent);
        assertEquals(List.of("warn: mod_a.c POST_CMD X: post", "warn: mod_a.c LOG_CMD X: log",
                "warn: mod_a.c LOG_CMD_ERR Y: log-err"), target.logs);
    }

    @Test
    void replyLinesAreSentInQueueOrderWithTheirCodes() throws Exception {
        ModuleTable t = table(
                module("mod_a.c", 30, CommandSpec.of(Phase.PRE_CMD, "FEAT", record("pre", c -> {
                    c.reply(211, "Features:");
                    return Outcome.DECLINED;
                })), CommandSpec.of("FEAT", c -> c.reply(211, " MDTM\n SIZE\nEnd")).withoutLogin()));
        dispatch(t, "FEAT", "");
        List<Reply> sent = target.sent.get(0);
        assertEquals(replies(211, "Features:", 211, " MDTM", 211, " SIZE", 211, "End"), sent);
        assertEquals("211-Features:\r\n  MDTM\r\n  SIZE\r\n211 End\r\n", Reply.format(sent, false));
    }

    // ------------------------------------------------------------------ login

    @Test
    void commandThatRequiresLoginGets530BeforeLogin() throws Exception {
        ModuleTable t = table(module("mod_a.c", 1, concat(afterPhases("LIST"),
                CommandSpec.of(Phase.PRE_CMD, "LIST", declines("PRE_CMD")),
                CommandSpec.of("LIST", record("CMD", c -> c.reply(226, "done"))))));
        dispatch(t, "LIST", "");
        assertEquals(List.of("PRE_CMD", "POST_CMD_ERR", "LOG_CMD_ERR", "code 530"), calls);
        assertEquals(List.of(replies(530, "Please login with USER and PASS")), target.sent);

        calls.clear();
        target.sent.clear();
        target.authenticated = true;
        dispatch(t, "LIST", "");
        assertEquals(List.of("PRE_CMD", "CMD", "POST_CMD", "LOG_CMD", "code 226"), calls);
        assertEquals(List.of(replies(226, "done")), target.sent);
    }

    @Test
    void loginIsCheckedOnlyForTheHandlersReached() throws Exception {
        ModuleTable t = table(
                module("mod_a.c", 30, CommandSpec.of("X", record("A", c -> c.reply(200, "open"))).withoutLogin()),
                module("mod_b.c", 20, CommandSpec.of("X", record("B", c -> c.reply(200, "closed")))));
        dispatch(t, "X", "");
        assertEquals(List.of("A"), calls);
        assertEquals(List.of(replies(200, "open")), target.sent);
    }

    @Test
    void unknownVerbBeforeLoginIsStillNotUnderstood() throws Exception {
        ModuleTable t = table(module("mod_a.c", 1, CommandSpec.of("LIST", declines("LIST"))));
        dispatch(t, "BOGUS", "");
        assertEquals(List.of(replies(500, "BOGUS not understood")), target.sent);
    }

    @Test
    void primaryBindingGivesTheGroup() throws Exception {
        ModuleTable t = table(module("mod_a.c", 1, CommandSpec.of("RETR", c -> c.reply(226, "ok")).group("READ")));
        target.authenticated = true;
        assertEquals("READ", dispatch(t, "RETR", "f").group());
        assertEquals("", dispatch(t, "NOPE", "").group());
    }

    // ------------------------------------------------------------------ failures inside handlers

    @Test
    void ftpReplyExceptionBecomesTheErrorReply() throws Exception {
        ModuleTable t = table(module("mod_a.c", 1, concat(afterPhases("RETR"),
                CommandSpec.of("RETR", c -> {
                    throw new FtpReplyException(550, "f: No such file or directory");
                }).withoutLogin())));
        dispatch(t, "RETR", "f");
        assertEquals(List.of("POST_CMD_ERR", "LOG_CMD_ERR", "code 550"), calls);
        assertEquals(List.of(replies(550, "f: No such file or directory")), target.sent);
        assertEquals(List.of(), target.logs);
    }

    @Test
    void ftpReplyExceptionInPreCmdStopsTheCommand() throws Exception {
        ModuleTable t = table(module("mod_a.c", 1,
                CommandSpec.of(Phase.PRE_CMD, "RETR", c -> {
                    throw new FtpReplyException(550, "f: Forbidden filename");
                }), CommandSpec.of("RETR", declines("CMD")).withoutLogin()));
        dispatch(t, "RETR", "f");
        assertEquals(List.of(), calls);
        assertEquals(List.of(replies(550, "f: Forbidden filename")), target.sent);
    }

    @Test
    void ftpReplyExceptionInPostCmdErrAddsToTheErrorReply() throws Exception {
        ModuleTable t = table(module("mod_a.c", 1,
                CommandSpec.of("RETR", c -> c.error(550, "first")).withoutLogin(),
                CommandSpec.of(Phase.POST_CMD_ERR, "RETR", c -> {
                    throw new FtpReplyException(550, "second");
                })));
        dispatch(t, "RETR", "f");
        assertEquals(List.of(replies(550, "first", 550, "second")), target.sent);
    }

    @Test
    void ftpReplyExceptionInPostCmdIsOnlyLogged() throws Exception {
        ModuleTable t = table(module("mod_a.c", 1,
                CommandSpec.of("RETR", c -> c.reply(226, "Transfer complete")).withoutLogin(),
                CommandSpec.of(Phase.POST_CMD, "RETR", c -> {
                    throw new FtpReplyException(550, "late");
                }), CommandSpec.of(Phase.LOG_CMD, "RETR", declines("LOG_CMD"))));
        dispatch(t, "RETR", "f");
        assertEquals(List.of(replies(226, "Transfer complete")), target.sent);
        assertEquals(List.of("warn: mod_a.c POST_CMD RETR: late"), target.logs);
        assertEquals(List.of("LOG_CMD"), calls);
    }

    @Test
    void runtimeExceptionGives451AndIsLogged() throws Exception {
        IllegalStateException boom = new IllegalStateException("kaput");
        ModuleTable t = table(module("mod_a.c", 1, concat(afterPhases("BOOM"),
                CommandSpec.of("BOOM", c -> {
                    throw boom;
                }).withoutLogin())));
        dispatch(t, "BOOM", "");
        assertEquals(List.of(replies(451, "Requested action aborted: local error in processing")), target.sent);
        assertEquals(List.of("error: mod_a.c failed in CMD BOOM: java.lang.IllegalStateException: kaput"),
                target.logs);
        assertSame(boom, target.errors.get(0));
        assertEquals(List.of("POST_CMD_ERR", "LOG_CMD_ERR", "code 451"), calls);
    }

    @Test
    void runtimeExceptionInALogHandlerDoesNotStopTheOthers() throws Exception {
        ModuleTable t = table(
                module("mod_a.c", 30, CommandSpec.of("X", c -> c.reply(200, "ok")).withoutLogin(),
                        CommandSpec.of(Phase.LOG_CMD, "X", c -> {
                            throw new IllegalArgumentException("bad");
                        })),
                module("mod_b.c", 20, CommandSpec.of(Phase.LOG_CMD, "X", declines("B LOG"))));
        dispatch(t, "X", "");
        assertEquals(List.of(replies(200, "ok")), target.sent);
        assertEquals(List.of("B LOG"), calls);
        assertEquals(List.of("error: mod_a.c failed in LOG_CMD X: java.lang.IllegalArgumentException: bad"),
                target.logs);
    }

    @Test
    void handlerReturningNullCountsAsDeclined() throws Exception {
        ModuleTable t = table(
                module("mod_a.c", 30, CommandSpec.of("X", record("A", c -> null)).withoutLogin()),
                module("mod_b.c", 20, CommandSpec.of("X", record("B", c -> c.reply(200, "B"))).withoutLogin()));
        dispatch(t, "X", "");
        assertEquals(List.of("A", "B"), calls);
    }

    // ------------------------------------------------------------------ module order

    @Test
    void higherPriorityModulesAreAskedFirstAndEqualPrioritiesByName() throws Exception {
        ModuleTable t = table(
                module("mod_low.c", 1, CommandSpec.of("X", declines("low")).withoutLogin()),
                module("mod_high.c", 500, CommandSpec.of("X", declines("high")).withoutLogin()),
                module("mod_b.c", 100, CommandSpec.of("X", declines("b100")).withoutLogin()),
                module("mod_a.c", 100, CommandSpec.of("X", declines("a100")).withoutLogin()));
        dispatch(t, "X", "");
        assertEquals(List.of("high", "a100", "b100", "low"), calls);
        assertEquals(List.of("mod_high.c", "mod_a.c", "mod_b.c", "mod_low.c"),
                t.modules().stream().map(ModuleEntry::name).toList());
    }

    @Test
    void aSecondModuleWithTheSameNameIsLeftOut() {
        List<String> problems = new ArrayList<>();
        ModuleTable t = ModuleTable.of(List.of(new ModuleEntry(module("mod_a.c", 5), "one"),
                new ModuleEntry(module("mod_a.c", 1), "two")), problems::add);
        assertEquals(1, t.modules().size());
        assertEquals("one", t.module("mod_a.c").origin());
        assertEquals(List.of("a second module named mod_a.c (two) is ignored"), problems);
    }

    @Test
    void commandRecordsCarryArgumentsAndNotes() throws Exception {
        List<Command> seen = new ArrayList<>();
        ModuleTable t = table(module("mod_a.c", 1,
                CommandSpec.of("X", c -> {
                    c.notes().put("k", "v");
                    seen.add(c);
                    return c.reply(200, "ok");
                }).withoutLogin(),
                CommandSpec.of(Phase.LOG_CMD, "X", c -> {
                    calls.add((String) c.notes().get("k"));
                    return Outcome.DECLINED;
                })));
        dispatch(t, "X", "  a  b ");
        Command c = seen.get(0);
        assertEquals("  a  b ", c.argument());
        assertEquals(List.of("a", "b"), c.arguments());
        assertEquals(List.of("v"), calls);
        assertNull(c.session());
    }
    // ------------------------------------------------------------------ modules that leave

    @Test
    void aModuleThatLeftAfterTheTableWasReadIsNotCalled() throws Exception {
        ModuleTable t = table(module("mod_core.c", 1,
                        CommandSpec.of("NOOP", record("core NOOP", c -> c.reply(200, "NOOP command successful")))
                                .withoutLogin()),
                module("mod_gone.c", 5,
                        CommandSpec.of("SITE_GONE", record("gone", c -> c.reply(200, "gone"))).withoutLogin(),
                        CommandSpec.of(Phase.PRE_CMD, CommandSpec.ANY, declines("gone PRE_CMD")),
                        CommandSpec.of(Phase.LOG_CMD, CommandSpec.ANY, declines("gone LOG_CMD"))));
        // the session read the table, then the module left: its removal drained (nobody was inside)
        assertEquals(0, t.module("mod_gone.c").drain(java.time.Duration.ZERO));

        dispatch(t, "SITE_GONE", "");
        dispatch(t, "NOOP", "");
        assertEquals(List.of("core NOOP"), calls);
        assertEquals(List.of(replies(500, "SITE GONE not understood"), replies(200, "NOOP command successful")),
                target.sent);
    }

    @Test
    void aDrainWaitsForACallInsideAndThenTurnsNewCallsAway() throws Exception {
        ModuleEntry entry = new ModuleEntry(module("mod_a.c", 1), "test");
        org.junit.jupiter.api.Assertions.assertTrue(entry.tryEnter());
        java.util.concurrent.CompletableFuture<Integer> drained = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return entry.drain(java.time.Duration.ofSeconds(30));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
        // the drain refuses new calls at once, while the call inside still runs
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (entry.tryEnter()) {
            entry.exit();
            org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline, "the drain never started");
            Thread.onSpinWait();
        }
        org.junit.jupiter.api.Assertions.assertFalse(drained.isDone(), "the drain waits for the call inside");
        entry.exit();
        assertEquals(0, drained.get(10, java.util.concurrent.TimeUnit.SECONDS));
        org.junit.jupiter.api.Assertions.assertFalse(entry.tryEnter());
    }

    // ------------------------------------------------------------------ modules that leave mid-command

    @Test
    void aModuleThatLeftDuringTheCommandIsNotCalledAnyMore() throws Exception {
        ModuleEntry[] leaving = new ModuleEntry[1];
        ModuleEntry core = new ModuleEntry(module("mod_core.c", 1, CommandSpec.of("X", c -> {
            leaving[0].retire(); // the module is removed while the command runs (a long transfer)
            return c.reply(226, "done");
        }).withoutLogin()), "test");
        leaving[0] = new ModuleEntry(module("mod_sql.c", 5, concat(afterPhases("X"),
                CommandSpec.of(Phase.PRE_CMD, "X", declines("PRE_CMD")))), "test");
        ModuleTable t = ModuleTable.of(List.of(core, leaving[0]), p -> { });
        dispatch(t, "X", "");
        assertEquals(List.of("PRE_CMD"), calls, "a deactivated module must not see POST or LOG");
        assertEquals(List.of(replies(226, "done")), target.sent);
        assertEquals(0, leaving[0].drain(java.time.Duration.ZERO));
    }

    @Test
    void aModuleLeavingBetweenPostAndLogStillSeesBoth() throws Exception {
        ModuleEntry[] leaving = new ModuleEntry[1];
        leaving[0] = new ModuleEntry(module("mod_sql.c", 5,
                CommandSpec.of("X", c -> c.reply(200, "ok")).withoutLogin(),
                CommandSpec.of(Phase.POST_CMD, "X", record("POST_CMD", c -> {
                    leaving[0].retire();
                    try {
                        calls.add("inside " + leaving[0].drain(java.time.Duration.ZERO));
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    return Outcome.DECLINED;
                })),
                CommandSpec.of(Phase.LOG_CMD, "X", declines("LOG_CMD"))), "test");
        ModuleTable t = ModuleTable.of(List.of(leaving[0]), p -> { });
        dispatch(t, "X", "");
        assertEquals(List.of("POST_CMD", "inside 1", "LOG_CMD"), calls,
                "held for the after-phases: its removal waits until LOG_CMD is done");
        assertEquals(0, leaving[0].drain(java.time.Duration.ZERO));
    }
}

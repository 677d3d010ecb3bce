package org.modftpd.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One command as it travels through the dispatch phases (ProFTPD's {@code cmd_rec}).
 *
 * <p>Handlers queue replies with {@link #reply} (sent if the command succeeds) and {@link #error}
 * (sent if it fails); lines with the same code are folded into one multi-line reply.
 */
@org.osgi.annotation.versioning.ProviderType
public interface Command {

    /** The verb, upper-cased; SITE subcommands are dispatched as {@code SITE_<SUB>}. */
    String verb();

    /** Everything after the verb and one space, exactly as sent (may be empty). */
    String argument();

    /** The argument split on white space. */
    List<String> arguments();

    /** The command group used by {@code <Limit>}: READ, WRITE, DIRS, or empty. */
    String group();

    Session session();

    /** Scratch notes for this command only; LOG handlers read what earlier phases stored. */
    Map<String, Object> notes();

    /** Queues a success reply line and returns {@link Outcome#HANDLED}. */
    Outcome reply(int code, String text);

    /** Queues an error reply line and returns {@link Outcome#ERROR}. */
    Outcome error(int code, String text);

    /** The code of the final reply sent for this command (valid in the LOG phases), or 0. */
    int responseCode();

    /** The transfer this command performed, if it moved data (valid in POST and LOG phases). */
    Optional<Transfer> transfer();

    /**
     * The value of a LogFormat variable for this command, as written in a template: {@code %u},
     * {@code %f}, {@code %b}, {@code %r}, {@code %s}, {@code %T}, {@code %{note:key}},
     * {@code %{env:NAME}}, {@code %{time:%Y-%m-%d}} and the rest of ProFTPD's mod_log and mod_sql
     * variables. Empty for an unknown variable; "-" where the variable does not apply. Values are
     * client data: bind or escape them, never splice them into SQL or a shell.
     *
     * @since 1.1
     */
    Optional<String> variable(String token);

    /** The result of a handler: declined lets the next handler run; handled or error ends the phase. */
    enum Outcome { DECLINED, HANDLED, ERROR }
}

package org.modftpd.core.internal.dispatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.modftpd.api.Command;
import org.modftpd.api.Session;
import org.modftpd.api.Transfer;
import org.modftpd.core.internal.protocol.Reply;

/** The mutable record of one command while it is dispatched. */
public final class CommandImpl implements Command {
    private final String verb;
    private final String argument;
    private final Session session;
    private final String group;
    private List<String> arguments;
    private Map<String, Object> notes;
    private final List<Reply> success = new ArrayList<>(2);
    private final List<Reply> errors = new ArrayList<>(1);
    private int responseCode;
    private String responseText;
    private Transfer transfer;
    private final long startedNanos = System.nanoTime();

    public CommandImpl(String verb, String argument, Session session, String group) {
        this.verb = verb;
        this.argument = argument;
        this.session = session;
        this.group = group == null ? "" : group;
    }

    @Override
    public String verb() {
        return verb;
    }

    @Override
    public String argument() {
        return argument;
    }

    @Override
    public List<String> arguments() {
        if (arguments == null) {
            String a = argument.strip();
            arguments = a.isEmpty() ? List.of() : List.of(a.split("\\s+"));
        }
        return arguments;
    }

    @Override
    public String group() {
        return group;
    }

    @Override
    public Session session() {
        return session;
    }

    @Override
    public Map<String, Object> notes() {
        if (notes == null) {
            notes = new HashMap<>();
        }
        return notes;
    }

    @Override
    public Outcome reply(int code, String text) {
        success.addAll(Reply.lines(code, text));
        return Outcome.HANDLED;
    }

    @Override
    public Outcome error(int code, String text) {
        errors.addAll(Reply.lines(code, text));
        return Outcome.ERROR;
    }

    @Override
    public int responseCode() {
        return responseCode;
    }

    void responseCode(int code) {
        this.responseCode = code;
    }

    void responseText(String text) {
        this.responseText = text;
    }

    /** The text of the final reply line (valid in the LOG phases). */
    public String responseText() {
        return responseText;
    }

    /** Milliseconds since the command was read. */
    public long elapsedMillis() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    @Override
    public Optional<String> variable(String token) {
        if (session instanceof org.modftpd.core.internal.session.SessionImpl s) {
            return org.modftpd.core.internal.log.LogVariables.value(token, s, this);
        }
        return Optional.empty();
    }

    @Override
    public Optional<Transfer> transfer() {
        return Optional.ofNullable(transfer);
    }

    public void transfer(Transfer t) {
        this.transfer = t;
    }

    List<Reply> successReplies() {
        return success;
    }

    List<Reply> errorReplies() {
        return errors;
    }

    @Override
    public String toString() {
        return argument.isEmpty() ? verb : verb + " " + ("PASS".equals(verb) ? "(hidden)" : argument);
    }
}

package org.modftpd.core.internal.ops;

import java.util.List;

/**
 * The operator commands in the Gogo shell, scope {@code modftpd}: {@code who}, {@code count},
 * {@code kick}, {@code reload}, {@code modules}, {@code enable}, {@code disable}.
 */
public final class GogoCommands {

    public static final String SCOPE = "modftpd";
    public static final String[] FUNCTIONS = {"who", "count", "kick", "reload", "modules", "enable", "disable"};

    private final Operations operations;

    public GogoCommands(Operations operations) {
        this.operations = operations;
    }

    public String who() {
        return operations.who(false);
    }

    public String who(String option) {
        return operations.execute(List.of("who", option));
    }

    public String count() {
        return operations.count();
    }

    public String kick(String kind, String value) {
        return operations.kick(kind, value);
    }

    public String reload() {
        return operations.reload();
    }

    public String modules() {
        return operations.modules();
    }

    public String enable(String module) {
        return operations.enable(module);
    }

    public String disable(String module) {
        return operations.disable(module);
    }
}

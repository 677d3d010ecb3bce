package org.modftpd.spi;

import java.util.List;
import java.util.Optional;
import org.modftpd.api.DirectiveSpec;

/**
 * A module, named as ProFTPD names it ({@code mod_sql.c}) so that {@code <IfModule mod_sql.c>} and
 * {@code AuthOrder mod_sql.c} work. Register one instance as an OSGi service per module; the server
 * picks it up, rebuilds its tables and configuration for new sessions, and drops it again when the
 * service goes away (waiting for calls already inside it to return).
 */
@org.osgi.annotation.versioning.ConsumerType
public interface FtpModule {

    /** The module name, such as {@code mod_auth_file.c}. */
    String name();

    /**
     * Dispatch order: handlers and auth providers of modules with a higher priority are consulted
     * first (ProFTPD's "loaded later, asked first"). See {@link ModulePriority}.
     */
    default int priority() {
        return ModulePriority.DEFAULT;
    }

    /** The directives this module owns. */
    default List<DirectiveSpec<?>> directives() {
        return List.of();
    }

    /** The configuration sections this module owns, such as {@code <IfUser>}. */
    default List<SectionSpec> sections() {
        return List.of();
    }

    /** Command handlers by phase, including SITE subcommands ({@code SITE_CHMOD}). */
    default List<CommandSpec> commands() {
        return List.of();
    }

    /** The auth provider this module contributes to the chain ordered by {@code AuthOrder}. */
    default Optional<AuthProvider> authProvider() {
        return Optional.empty();
    }

    /** Callbacks at connect, login, transfer start and end, and disconnect. */
    default Optional<SessionHooks> sessionHooks() {
        return Optional.empty();
    }
}

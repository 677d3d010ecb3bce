package org.modftpd.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of the configuration at one place: a server, an {@code <Anonymous>} context, or
 * the closest {@code <Directory>} for a path. Lookups of inherited directives continue outward.
 */
@org.osgi.annotation.versioning.ProviderType
public interface Config {

    /** The value of the closest instance of the directive, parsed by its spec. */
    <T> Optional<T> get(DirectiveSpec<T> spec);

    /** The value of the closest instance, or the spec's default (ProFTPD's default). */
    default <T> T value(DirectiveSpec<T> spec) {
        return get(spec).orElse(spec.defaultValue());
    }

    /** Every instance visible here, closest first (lists such as HideFiles or SQLLog). */
    <T> List<T> getAll(DirectiveSpec<T> spec);

    /** Module-owned sections (such as {@code <IfUser>}) declared at this level, in file order. */
    List<ConfigSection> sections(String name);

    /** The view for a real path: the closest matching {@code <Directory>} and its parents. */
    Config forPath(Path realPath);

    /** Whether the named module ({@code mod_sql.c}) was loaded when this configuration was built. */
    boolean moduleLoaded(String moduleName);
}

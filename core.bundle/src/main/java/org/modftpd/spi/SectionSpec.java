package org.modftpd.spi;

import java.util.Objects;
import java.util.Set;
import org.modftpd.api.ContextKind;

/**
 * A configuration section owned by a module, such as {@code <IfUser>}. Its contents are checked as
 * if they stood in the enclosing context; the module reads the sections back with
 * {@link org.modftpd.api.Config#sections(String)} and merges them with
 * {@link org.modftpd.api.Session#applyOverlay}.
 *
 * @param name     the tag name without brackets
 * @param contexts where the section may appear
 * @param minArgs  the fewest arguments of the opening tag
 */
public record SectionSpec(String name, Set<ContextKind> contexts, int minArgs) {
    public SectionSpec {
        Objects.requireNonNull(name);
        contexts = Set.copyOf(contexts);
    }
}

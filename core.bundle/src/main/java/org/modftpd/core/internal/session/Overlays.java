package org.modftpd.core.internal.session;

import java.util.List;
import java.util.Map;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.core.internal.config.ContextNode;
import org.modftpd.core.internal.config.DirectiveEntry;
import org.modftpd.core.internal.config.ModuleSection;
import org.modftpd.core.internal.dispatch.ModuleTable;

/**
 * Merges a module section's contents into a session's server context the way mod_ifsession does:
 * single-valued directives replace what is there, lists are added in front, a {@code <Directory>} of
 * the same path replaces the existing one, and {@code <Limit>} sections are consulted first.
 */
final class Overlays {

    private Overlays() {
    }

    static void merge(ContextNode.Builder into, ContextNode contents, ModuleTable table) {
        for (Map.Entry<String, List<DirectiveEntry>> e : contents.allDirectives().entrySet()) {
            List<DirectiveEntry> entries = e.getValue();
            ModuleTable.DirectiveBinding binding = table.directive(entries.get(0).name());
            boolean list = binding != null && (binding.spec().repeatable()
                    || binding.spec().merge() == DirectiveSpec.Merge.DOWN_MULTI);
            for (int i = entries.size() - 1; i >= 0; i--) {
                into.replace(entries.get(i), list || i < entries.size() - 1);
            }
        }
        into.overlaySections(contents);
        for (Map.Entry<String, List<ModuleSection>> e : contents.allModuleSections().entrySet()) {
            e.getValue().forEach(into::addModuleSection);
        }
    }
}

package org.modftpd.core.internal.modules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import java.util.Optional;
import org.modftpd.api.Identity;
import org.modftpd.core.internal.access.Access;
import org.modftpd.core.internal.config.ConfigView;
import org.modftpd.core.internal.config.ContextNode;
import org.modftpd.core.internal.config.DirectiveEntry;
import org.modftpd.core.internal.fs.DirectoryReader;
import org.modftpd.core.internal.session.SessionImpl;

/**
 * HideFiles, HideUser, HideGroup and HideNoAccess: which directory entries a session does not see,
 * and IgnoreHidden, which makes hidden files look absent to the commands of a {@code <Limit>}.
 */
final class Hiding {

    private Hiding() {
    }

    /** Whether an entry of a directory is hidden from this session. */
    static boolean hidden(SessionImpl s, ConfigView dirView, Path entry, String name) {
        return rules(s, dirView).hidden(entry, name);
    }

    /**
     * The hiding rules of one directory for this session, looked up once for all its entries
     * (HideFiles' scope, HideUser, HideGroup and HideNoAccess do not change from entry to entry).
     */
    static Rules rules(SessionImpl s, ConfigView dirView) {
        Optional<AccessDirectives.Hide> hide = dirView.get(AccessDirectives.HIDE_FILES);
        AccessDirectives.Regex files = hide.isPresent() && applies(s, hide.get()) ? hide.get().regex() : null;
        AccessDirectives.Name user = dirView.get(AccessDirectives.HIDE_USER).orElse(null);
        AccessDirectives.Name group = dirView.get(AccessDirectives.HIDE_GROUP).orElse(null);
        boolean noAccess = dirView.value(AccessDirectives.HIDE_NO_ACCESS);
        if (files == null && user == null && group == null && !noAccess) {
            return Rules.NONE;
        }
        return new Rules(s, files, user, group, noAccess);
    }

    /** What {@link #rules} found: {@link #hidden} answers for one entry. */
    static final class Rules {
        static final Rules NONE = new Rules(null, null, null, null, false);

        private final SessionImpl session;
        private final AccessDirectives.Regex files;
        private final AccessDirectives.Name user;
        private final AccessDirectives.Name group;
        private final boolean noAccess;

        private Rules(SessionImpl session, AccessDirectives.Regex files, AccessDirectives.Name user, AccessDirectives.Name group,
                boolean noAccess) {
            this.session = session;
            this.files = files;
            this.user = user;
            this.group = group;
            this.noAccess = noAccess;
        }

        /** Whether the entry a directory reader is at is hidden (its path is built only when a rule needs it). */
        boolean hidden(DirectoryReader entry) {
            return this != NONE && hidden(entry.path(), entry.name());
        }

        boolean hidden(Path entry, String name) {
            if (this == NONE) {
                return false;
            }
            if (files != null && files.matches(name)) {
                return true;
            }
            if (user != null || group != null) {
                try {
                    PosixFileAttributes a = Files.readAttributes(entry, PosixFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (user != null && a.owner().getName().equals(user.name()) != user.negated()) {
                        return true;
                    }
                    if (group != null && a.group().getName().equals(group.name()) != group.negated()) {
                        return true;
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    return false;
                }
            }
            if (noAccess) {
                boolean dir = Files.isDirectory(entry);
                if (!Files.isReadable(entry) || dir && !Files.isExecutable(entry)) {
                    return true;
                }
                return !Access.allowed(session.config(), entry, dir ? "CWD" : "RETR", dir ? "DIRS" : "READ",
                        session.who());
            }
            return false;
        }
    }

    private static boolean applies(SessionImpl s, AccessDirectives.Hide hide) {
        if (hide.scope().isEmpty()) {
            return true;
        }
        Identity id = s.identity().orElse(null);
        List<String> candidates = switch (hide.scope().get()) {
            case "user" -> id == null ? List.of() : List.of(id.name());
            case "group" -> id == null ? List.of() : id.groupNames();
            default -> s.connectionClass().map(List::of).orElse(List.of());
        };
        return org.modftpd.api.NameExpression.parse(hide.expression(), hide.scope().get().equals("group")).matches(candidates);
    }

    /**
     * IgnoreHidden: when a {@code <Limit>} naming this command (or its group) says IgnoreHidden on,
     * a hidden target, or anything inside a hidden directory, is treated as absent.
     */
    static boolean ignoredForCommand(SessionImpl s, String verb, String group, Path target) {
        Path parent = target.getParent();
        if (parent == null) {
            return false;
        }
        ConfigView at = s.config().forPath(target);
        boolean ignore = false;
        outer:
        for (ContextNode node : at.chain()) {
            for (ContextNode limit : node.limits()) {
                if (limit.args().contains(verb) || !group.isEmpty() && limit.args().contains(group)
                        || limit.args().contains("ALL")) {
                    List<DirectiveEntry> e = limit.directives(CoreDirectives.IGNORE_HIDDEN.name());
                    if (!e.isEmpty()) {
                        ignore = e.get(0).value(CoreDirectives.IGNORE_HIDDEN);
                        break outer;
                    }
                }
            }
        }
        if (!ignore) {
            return false;
        }
        Path root = s.files().root();
        Path current = target;
        while (current != null && current.getParent() != null && current.startsWith(root) && !current.equals(root)) {
            if (hidden(s, s.config().forPath(current.getParent()), current, current.getFileName().toString())) {
                return true;
            }
            current = current.getParent();
        }
        return false;
    }
}

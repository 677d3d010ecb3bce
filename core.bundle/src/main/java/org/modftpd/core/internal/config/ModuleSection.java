package org.modftpd.core.internal.config;

import java.util.List;
import org.modftpd.api.ConfigSection;

/** A module-owned section such as {@code <IfUser>}: its tag and its validated contents. */
public record ModuleSection(String name, List<String> args, Location where, ContextNode contents)
        implements ConfigSection {

    public ModuleSection {
        args = List.copyOf(args);
    }

    @Override
    public String location() {
        return where.toString();
    }
}

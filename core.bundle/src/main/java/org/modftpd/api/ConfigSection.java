package org.modftpd.api;

import java.util.List;

/** An opaque module-owned section of the configuration, such as one {@code <IfUser>} block. */
@org.osgi.annotation.versioning.ProviderType
public interface ConfigSection {

    /** The section name without brackets, as spelled in the file ({@code IfUser}). */
    String name();

    /** The arguments of the opening tag. */
    List<String> args();

    /** Where the section starts, as {@code file:line}. */
    String location();
}

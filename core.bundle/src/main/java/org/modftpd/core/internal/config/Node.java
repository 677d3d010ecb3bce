package org.modftpd.core.internal.config;

import java.util.List;

/** One element of the parsed (not yet validated) configuration: a directive line or a section. */
public sealed interface Node permits Node.Directive, Node.Section {

    String name();

    List<String> args();

    Location location();

    /** {@code Name arg arg} on one (logical) line. */
    record Directive(String name, List<String> args, Location location) implements Node {
        public Directive {
            args = List.copyOf(args);
        }
    }

    /** {@code <Name args>} ... {@code </Name>}. The root of a file is a section with an empty name. */
    record Section(String name, List<String> args, Location location, List<Node> children) implements Node {
        public Section {
            args = List.copyOf(args);
            children = List.copyOf(children);
        }
    }
}

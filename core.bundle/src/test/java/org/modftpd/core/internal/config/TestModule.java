package org.modftpd.core.internal.config;

import java.util.EnumSet;
import java.util.List;
import org.modftpd.api.ContextKind;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.api.DirectiveSpec.Merge;
import org.modftpd.spi.FtpModule;
import org.modftpd.spi.SectionSpec;

/** A module for tests: one directive per merge mode and a module-owned section {@code <IfUser>}. */
public final class TestModule implements FtpModule {

    /** Only the context that sets it. */
    public static final DirectiveSpec<String> NONE = DirectiveSpec.text("TestNone", null)
            .contexts(DirectiveSpec.FILE_CONTEXTS).merge(Merge.NONE).build();

    /** Inherited unless set closer; several per context. */
    public static final DirectiveSpec<String> DOWN_LIST = DirectiveSpec.text("TestList", null)
            .contexts(DirectiveSpec.FILE_CONTEXTS).repeatable().build();

    /** Every instance on the way out is visible. */
    public static final DirectiveSpec<String> MULTI = DirectiveSpec.text("TestMulti", null)
            .contexts(DirectiveSpec.FILE_CONTEXTS).merge(Merge.DOWN_MULTI).repeatable().build();

    public static final SectionSpec IF_USER = new SectionSpec("IfUser",
            EnumSet.of(ContextKind.SERVER, ContextKind.VIRTUAL_HOST, ContextKind.GLOBAL), 1);

    @Override
    public String name() {
        return "mod_test.c";
    }

    @Override
    public List<DirectiveSpec<?>> directives() {
        return List.of(NONE, DOWN_LIST, MULTI);
    }

    @Override
    public List<SectionSpec> sections() {
        return List.of(IF_USER);
    }
}

package org.modftpd.core.internal.modules;

import static org.modftpd.api.ContextKind.SERVER;

import java.util.List;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.api.DirectiveSpec.Merge;
import org.modftpd.spi.FtpModule;
import org.modftpd.spi.ModulePriority;
import org.osgi.service.component.annotations.Component;

/**
 * mod_dso.c: {@code LoadModule mod_x.c} starts the bundle {@code mod_x.jar} from {@code ModulePath}
 * (the distribution's {@code libexec/}) before the rest of the file is read, as ProFTPD's
 * modules.conf idiom expects.
 */
@Component(service = FtpModule.class)
public final class DsoModule implements FtpModule {

    public static final DirectiveSpec<String> LOAD_MODULE = DirectiveSpec.builder("LoadModule", args -> {
        String name = args.get(0);
        if (!name.matches("mod_[A-Za-z0-9_]+\\.c")) {
            throw new IllegalArgumentException("'" + name + "' is not a module name such as mod_sql.c");
        }
        return name;
    }).args(1, 1).contexts(SERVER).repeatable().merge(Merge.NONE).build();

    public static final DirectiveSpec<String> MODULE_PATH = DirectiveSpec.builder("ModulePath", args -> {
        if (!args.get(0).startsWith("/")) {
            throw new IllegalArgumentException("'" + args.get(0) + "' is not an absolute path");
        }
        return args.get(0);
    }).args(1, 1).contexts(SERVER).build();

    @Override
    public String name() {
        return "mod_dso.c";
    }

    @Override
    public int priority() {
        return ModulePriority.CORE;
    }

    @Override
    public List<DirectiveSpec<?>> directives() {
        return List.of(LOAD_MODULE, MODULE_PATH);
    }
}

package org.modftpd.core.internal.modules;

import java.util.List;
import org.modftpd.api.DirectiveSpec;
import org.modftpd.spi.FtpModule;
import org.modftpd.spi.ModulePriority;
import org.osgi.service.component.annotations.Component;

/** mod_ctrls.c: the control socket that ftpdctl, ftpwho and ftpcount talk to. */
@Component(service = FtpModule.class)
public final class CtrlsModule implements FtpModule {

    @Override
    public String name() {
        return "mod_ctrls.c";
    }

    @Override
    public int priority() {
        return ModulePriority.CORE;
    }

    @Override
    public List<DirectiveSpec<?>> directives() {
        return List.of(CoreDirectives.CONTROLS_ENGINE, CoreDirectives.CONTROLS_SOCKET);
    }
}

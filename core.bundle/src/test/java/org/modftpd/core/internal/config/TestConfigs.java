package org.modftpd.core.internal.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.modftpd.core.internal.dispatch.ModuleEntry;
import org.modftpd.core.internal.dispatch.ModuleTable;
import org.modftpd.core.internal.modules.AuthModule;
import org.modftpd.core.internal.modules.CoreModule;
import org.modftpd.core.internal.modules.FactsModule;
import org.modftpd.core.internal.modules.LsModule;
import org.modftpd.core.internal.modules.SiteModule;
import org.modftpd.core.internal.modules.XferModule;
import org.modftpd.spi.FtpModule;

/** Builds configurations from text for tests, with the core modules plus any test modules. */
public final class TestConfigs {

    public static final String FILE = "test.conf";

    private TestConfigs() {
    }

    /** The core's own modules, as the server registers them. */
    public static List<FtpModule> coreModules() {
        return List.of(new CoreModule(), new AuthModule(), new XferModule(), new LsModule(), new FactsModule(),
                new SiteModule());
    }

    /** A table of the core modules plus {@code extra}; table problems fail the test. */
    public static ModuleTable table(FtpModule... extra) {
        List<ModuleEntry> entries = new ArrayList<>();
        for (FtpModule m : coreModules()) {
            entries.add(new ModuleEntry(m, "test"));
        }
        for (FtpModule m : extra) {
            entries.add(new ModuleEntry(m, "test"));
        }
        return ModuleTable.of(entries, problem -> {
            throw new AssertionError("module table problem: " + problem);
        });
    }

    public static Node.Section parse(String text) throws ConfigException {
        return ConfigParser.parseText(text, FILE, Path.of("/nonexistent"), Map.of(), name -> null);
    }

    /** Parses and builds {@code text}; notices go to {@code notices}. */
    public static Configuration build(String text, Consumer<String> notices, FtpModule... extra)
            throws ConfigException {
        return ConfigBuilder.build(parse(text), FILE, table(extra), 1, notices);
    }

    public static Configuration build(String text, FtpModule... extra) throws ConfigException {
        return build(text, n -> { }, extra);
    }

    /** The problems a text that must not build reports. */
    public static List<String> problems(String text, FtpModule... extra) {
        return assertThrows(ConfigException.class, () -> build(text, extra)).problems();
    }

    /** The top-level view of the main server. */
    public static ConfigView mainView(Configuration c) {
        return ConfigView.of(c, c.mainServer().node(), null, null);
    }
}

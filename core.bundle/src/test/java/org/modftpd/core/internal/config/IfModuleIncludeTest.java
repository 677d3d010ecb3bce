package org.modftpd.core.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An Include of a missing file inside an {@code <IfModule>} only counts when that section is in effect. */
class IfModuleIncludeTest {

    @TempDir
    Path dir;

    @Test
    void missingIncludeInsideAnInactiveIfModuleIsIgnored() throws Exception {
        Path main = dir.resolve("proftpd.conf");
        Files.writeString(main, "Port 2121\n<IfModule mod_sql.c>\n  Include " + dir + "/sql.conf\n</IfModule>\n");
        Configuration c = ConfigBuilder.build(ConfigParser.parseFile(main, Map.of(), n -> null), main.toString(),
                TestConfigs.table(), 1, n -> { });
        assertEquals(2121, c.mainServer().port());
    }

    @Test
    void missingIncludeInsideAnActiveIfModuleIsAnError() throws Exception {
        Path main = dir.resolve("proftpd.conf");
        Files.writeString(main, "Port 2121\n<IfModule mod_core.c>\n  Include " + dir + "/extra.conf\n</IfModule>\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigBuilder.build(
                ConfigParser.parseFile(main, Map.of(), n -> null), main.toString(), TestConfigs.table(), 1, n -> { }));
        assertEquals(List.of(main + ":3: Include " + dir + "/extra.conf: No such file or directory"), e.problems());
    }
}

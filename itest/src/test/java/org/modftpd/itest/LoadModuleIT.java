package org.modftpd.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;
import org.osgi.framework.Bundle;

/**
 * ProFTPD's modules.conf idiom: {@code LoadModule mod_x.c} inside {@code <IfModule mod_dso.c>}
 * starts {@code mod_x.jar} from {@code ModulePath} before the rest of the file is read, so the
 * module's directives and {@code <IfModule mod_x.c>} sections below it work. A module that is not
 * there is a configuration error naming file and line.
 */
public class LoadModuleIT extends ServerTestSupport {

    @Override
    protected String authOrder() {
        return "mod_auth_example.c mod_auth_file.c";
    }

    @Override
    protected String configuration(Provision.Env env) {
        try {
            Path libexec = Files.createDirectories(env.dir().resolve("libexec"));
            Path bundles = Path.of(System.getProperty("modftpd.itest.bundles", "target/test-bundles"));
            Files.copy(bundles.resolve("mod_auth_example.jar"), libexec.resolve("mod_auth_example.jar"));
            Files.createDirectories(env.home("frank"));
            return "ModulePath " + libexec + "\n"
                    + "<IfModule mod_dso.c>\n  LoadModule mod_auth_example.c\n</IfModule>\n"
                    + "<IfModule mod_auth_example.c>\n"
                    + "  ExampleAuthUser frank " + ExampleModuleIT.sha256("frank-pw") + " " + env.home("frank") + "\n"
                    + "</IfModule>\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    public void loadModuleStartsTheBundleBeforeItsDirectivesAreRead() throws Exception {
        Bundle loaded = bundle("org.modftpd.mod_auth_example");
        assertEquals(Bundle.ACTIVE, loaded.getState());
        assertTrue(loaded.getLocation(), loaded.getLocation().endsWith("/libexec/mod_auth_example.jar"));
        try (Ftp ftp = login("frank", "frank-pw")) {
            ftp.expect(257, "PWD");
        }
    }

    @Test
    public void aMissingModuleIsRefusedWithFileAndLine() throws Exception {
        Path conf = dir().resolve("proftpd.conf");
        String good = Files.readString(conf);
        long before = generation();
        try {
            Files.writeString(conf, good + "LoadModule mod_nowhere.c\n");
            reload();
            int line = (int) good.lines().count() + 1;
            String log = Files.readString(dir().resolve("system.log"));
            assertTrue(log, log.contains("reload refused: " + conf + ":" + line + ": LoadModule mod_nowhere.c: "
                    + dir().resolve("libexec/mod_nowhere.jar") + " does not exist"));
            assertEquals(before, generation());
            login("frank", "frank-pw").close();
        } finally {
            Files.writeString(conf, good);
        }
    }
}

package org.modftpd.itest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.Test;
import org.modftpd.itest.support.Ftp;
import org.modftpd.itest.support.Provision;
import org.modftpd.itest.support.ServerTestSupport;

/**
 * AuthOrder as in ProFTPD's AuthOrder.pm tests: a module marked with {@code *} is authoritative,
 * so users only another module knows are refused; unlisted modules are not asked.
 */
public class AuthOrderIT extends ServerTestSupport {

    @Override
    protected String authOrder() {
        return "mod_auth_example.c* mod_auth_file.c";
    }

    @Override
    protected String configuration(Provision.Env env) {
        try {
            Path jar = Path.of(System.getProperty("modftpd.itest.bundles", "target/test-bundles"))
                    .resolve("mod_auth_example.jar");
            Files.copy(jar, env.dropIn().resolve("mod_auth_example.jar"), StandardCopyOption.REPLACE_EXISTING);
            Files.createDirectories(env.home("frank"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // sha256("frank-pw")
        return "ExampleAuthUser frank 5dbf849908d992973502c73e8996f1f2485ac8741b8ac6a0521704b64d6720fa " + env.home("frank")
                + "\n";
    }

    @Override
    protected List<String> modules() {
        return List.of("mod_auth_file.jar");
    }

    @Test
    public void authoritativeModuleRefusesOtherModulesUsers() throws Exception {
        awaitModules("with mod_auth_example.c", m -> m.contains("mod_auth_example.c"));
        try (Ftp ftp = connect()) {
            ftp.expect(331, "USER alice");
            ftp.expect(530, "PASS " + Provision.ALICE_PASSWORD);
        }
        try (Ftp ftp = login("frank", "frank-pw")) {
            ftp.expect(257, "PWD");
        }
    }
}

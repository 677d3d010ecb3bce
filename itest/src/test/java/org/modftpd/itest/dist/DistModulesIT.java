package org.modftpd.itest.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.Test;

/**
 * The drop-in folder at launch: the server reads its configuration once every module there has
 * started, and a module that can never start (an import nothing exports) neither holds the launch
 * back nor keeps the others out.
 */
public class DistModulesIT extends DistTestSupport {

    @Test
    public void aModuleThatCannotResolveNeitherHoldsTheLaunchNorKeepsTheOthersOut() throws Exception {
        writeBundle(dist.path("modules/mod_broken.jar"), "org.example.mod_broken", "org.example.nowhere");
        int port = DistHome.freePort();
        Path conf = dist.writeConfig("modules.conf", DistHome.loopbackConfig(port, "modules",
                "<IfModule mod_ifsession.c>", "  <IfUser ftpuser>", "    AccessGrantMsg \"granted by IfUser\"",
                "  </IfUser>", "</IfModule>"));
        ServerProcess server = dist.start("-n", "-c", conf.toString());
        server.awaitListening();

        List<String> lines = server.outputLines();
        assertTrue(server.output(), lines.stream().noneMatch(l -> l.contains("had not settled")));
        assertTrue(server.output(), lines.stream().anyMatch(l -> l.contains("mod_broken.jar")
                && l.contains("Error while starting bundle")));
        try (ControlSession s = ControlSession.connect(port)) {
            s.expect("331", "USER ftpuser");
            assertEquals("230 granted by IfUser", s.send("PASS ftpuser"));
        }
    }

    /** A bundle with nothing in it but a manifest that imports {@code missingPackage}. */
    private static void writeBundle(Path jar, String symbolicName, String missingPackage) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Import-Package", missingPackage);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
    }
}

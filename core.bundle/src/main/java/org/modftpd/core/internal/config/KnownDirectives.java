package org.modftpd.core.internal.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Which ProFTPD module provides a directive or section we do not currently have. */
final class KnownDirectives {
    private static final Map<String, String> PROVIDER = load();

    private KnownDirectives() {
    }

    /** The module name for a directive ({@code SQLEngine}) or section ({@code <IfUser>}), or null. */
    static String providerOf(String nameOrTag) {
        return PROVIDER.get(nameOrTag.toLowerCase(Locale.ROOT));
    }

    private static Map<String, String> load() {
        Map<String, String> map = new HashMap<>();
        try (InputStream in = KnownDirectives.class.getResourceAsStream("known-directives.txt")) {
            if (in == null) {
                return Map.of();
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] words = line.split("\\s+");
                for (int i = 1; i < words.length; i++) {
                    map.put(words[i].toLowerCase(Locale.ROOT), words[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(map);
    }
}

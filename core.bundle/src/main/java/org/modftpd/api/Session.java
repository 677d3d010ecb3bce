package org.modftpd.api;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One control connection, from connect to disconnect. Implemented by the core only. */
@org.osgi.annotation.versioning.ProviderType
public interface Session {

    /** A short identifier, unique for the life of the server process. */
    String id();

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    Instant connectedAt();

    /** The {@code <Class>} the client matched at connect, if any. */
    Optional<String> connectionClass();

    /** The logged-in identity; empty until PASS succeeds. */
    Optional<Identity> identity();

    /** The name given with USER (before aliases are applied), if USER was sent. */
    Optional<String> requestedUser();

    /**
     * The configuration this session sees: the virtual host it reached, its {@code <Anonymous>}
     * context once logged in anonymously, and any overlays applied to it. A snapshot: a reload does
     * not change it.
     */
    Config config();

    /** The jailed file view. Before login it has no root and every resolve fails. */
    FileView files();

    /**
     * Per-session notes shared between modules (ProFTPD's {@code session.notes}). Store JDK types
     * (String, Number, Boolean, collections of those) so any module revision can read them.
     */
    Map<String, Object> notes();

    /** Sends a reply at once, outside the response lists of the current command. */
    void send(int code, String text);

    /**
     * Merges module-owned configuration sections (for example {@code <IfUser>} blocks) into this
     * session's configuration. Later merges win over earlier ones for single-valued directives;
     * a {@code <Directory>} of the same path replaces the existing one.
     */
    void applyOverlay(List<ConfigSection> sections);

    /** Sends {@code 421 <reason>} and closes the control connection. */
    void disconnect(String reason);

    /** Closes the control connection without a reply (after the module has sent its own). */
    void close();

    /**
     * Whether the {@code <Limit>} sections in effect allow a command (a verb such as {@code RETR},
     * {@code SITE_COPY} or {@code LOGIN}) at a real path, or at the current directory when
     * {@code path} is null. Add-on commands use this so they obey the same rules as the core's.
     *
     * @since 1.1
     */
    boolean allowed(String command, Path path);

    /**
     * The value of a session-level LogFormat variable ({@code %u}, {@code %a}, {@code %h},
     * {@code %{note:key}}, ...), for logging outside a command (session end). See
     * {@link Command#variable}.
     *
     * @since 1.1
     */
    Optional<String> variable(String token);

    /**
     * Looks a user up through the auth chain without authenticating it (getpwnam and getgroups),
     * for decisions made before login.
     *
     * @since 1.1
     */
    Optional<Identity> lookup(String userName);

    SessionLog log();
}

package org.modftpd.api;

import java.nio.file.Path;

/**
 * The session's view of the file system, confined to its root (ProFTPD's chroot: {@code DefaultRoot}
 * or the {@code <Anonymous>} directory). Every path a client names goes through {@link #resolve}:
 * {@code ..} stops at the root, and symbolic links are followed as a chrooted process would see
 * them, so no name, link or encoding trick leads outside.
 */
@org.osgi.annotation.versioning.ProviderType
public interface FileView {

    /** The current directory as the client sees it, for example {@code /pub}. */
    String cwd();

    /** The client's name for a path, made absolute and normalised ({@code a/../b} becomes {@code /cwd/b}). */
    String absolute(String clientPath);

    /**
     * The real path for a client path, inside the root. Links are resolved within the jail; the last
     * component is left unresolved when it is a link, so the caller can act on the link itself.
     *
     * @throws java.nio.file.NoSuchFileException when the name cannot be used (NUL bytes, a dangling
     *         jail escape); the message is the client's path
     */
    Path resolve(String clientPath) throws java.nio.file.NoSuchFileException;

    /** The client's name for a real path inside the root. */
    String clientPath(Path realPath);

    /** The real directory that is {@code /} for this session. */
    Path root();
}

package org.modftpd.core.internal.modules;

import java.io.IOException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.modftpd.api.Command;
import org.modftpd.api.FtpReplyException;
import org.modftpd.core.internal.fs.Errors;
import org.modftpd.core.internal.fs.JailedFileView;
import org.modftpd.core.internal.session.SessionImpl;

/** Small helpers shared by the core's own modules. */
final class Support {

    static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private Support() {
    }

    static SessionImpl session(Command c) {
        return (SessionImpl) c.session();
    }

    /** {@code 500 '<VERB args>' not understood}: ProFTPD's reply to a wrong argument count for many commands. */
    static FtpReplyException notUnderstood(Command c) {
        return new FtpReplyException(500, "'" + displayable(c) + "' not understood");
    }

    /** The verb and its argument words joined by single spaces (ProFTPD's displayable command). */
    static String displayable(Command c) {
        StringBuilder b = new StringBuilder(c.verb());
        for (String a : c.arguments()) {
            b.append(' ').append(a);
        }
        return b.toString();
    }

    static FtpReplyException invalidParameters() {
        return new FtpReplyException(501, "Invalid number of parameters");
    }

    static void requireArgument(Command c) throws FtpReplyException {
        if (c.argument().isEmpty()) {
            throw invalidParameters();
        }
    }

    static void requireNoArgument(Command c) throws FtpReplyException {
        if (!c.arguments().isEmpty()) {
            throw invalidParameters();
        }
    }

    /** Resolves a client path in the session's jail; {@code 550 <arg>: No such file or directory} if it cannot be. */
    static Path resolve(Command c, String arg) throws FtpReplyException {
        try {
            return session(c).files().resolve(arg);
        } catch (NoSuchFileException e) {
            throw new FtpReplyException(550, arg + ": " + Errors.text(e));
        }
    }

    /** Like {@link #resolve} but a link in the last component is followed too (inside the jail). */
    static Path resolveFollowing(Command c, String arg) throws FtpReplyException {
        try {
            return ((JailedFileView) session(c).files()).resolve(arg, true);
        } catch (NoSuchFileException e) {
            throw new FtpReplyException(550, arg + ": " + Errors.text(e));
        }
    }

    /**
     * Whether {@code <Limit>} allows the command at a path; a null path means the current directory
     * (ProFTPD checks PWD, PASV, PORT, NOOP, FEAT, HELP and friends there, against the directory
     * configuration it keeps from its last directory check).
     */
    static boolean allowed(Command c, Path path) {
        return session(c).allowed(c.verb(), c.group(), path);
    }

    /** Fails with {@code 550 <arg>: Permission denied} unless {@code <Limit>} allows the command there. */
    static void checkAllowed(Command c, Path path, String arg) throws FtpReplyException {
        if (!allowed(c, path)) {
            throw new FtpReplyException(550, arg + ": Permission denied");
        }
        if (Hiding.ignoredForCommand(session(c), c.verb(), c.group(), path)) {
            throw new FtpReplyException(550, arg + ": No such file or directory");
        }
    }

    /** PathAllowFilter and PathDenyFilter: names a client may create ({@code 550 <arg>: Forbidden filename}). */
    static void checkPathFilters(Command c, Path path, String arg) throws FtpReplyException {
        var view = session(c).config().forPath(path);
        var allow = view.get(AccessDirectives.PATH_ALLOW_FILTER);
        var deny = view.get(AccessDirectives.PATH_DENY_FILTER);
        if (allow.isPresent() && !allow.get().matches(arg) || deny.isPresent() && deny.get().matches(arg)) {
            throw new FtpReplyException(550, arg + ": Forbidden filename");
        }
    }

    static FtpReplyException failure(String arg, IOException e) {
        return new FtpReplyException(550, arg + ": " + Errors.text(e));
    }

    /** Doubles quotes in a path shown inside {@code "..."} (RFC 959 257 replies). */
    static String quote(String path) {
        return path.replace("\"", "\"\"");
    }

    static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder b = new StringBuilder(9);
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            b.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        return PosixFilePermissions.fromString(b.toString());
    }
}

package org.modftpd.core.internal.modules;

import static org.modftpd.core.internal.modules.Support.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.modftpd.api.Command;
import org.modftpd.api.Command.Outcome;
import org.modftpd.api.FtpReplyException;
import org.modftpd.core.internal.dispatch.CommandImpl;
import org.modftpd.core.internal.fs.Errors;
import org.modftpd.core.internal.fs.JailedFileView;
import org.modftpd.core.internal.session.Display;
import org.modftpd.core.internal.session.SessionImpl;
import org.modftpd.spi.CommandSpec;
import org.modftpd.spi.CommandSpec.CommandClass;
import org.modftpd.spi.FtpModule;
import org.modftpd.spi.ModulePriority;
import org.osgi.service.component.annotations.Component;

/**
 * mod_site.c: SITE dispatches {@code SITE <SUB>} as the command {@code SITE_<SUB>} through every
 * phase, so other modules add SITE commands by registering handlers for {@code SITE_<SUB>}; this
 * module provides SITE HELP and SITE CHMOD.
 */
@Component(service = FtpModule.class)
public final class SiteModule implements FtpModule {

    @Override
    public String name() {
        return "mod_site.c";
    }

    @Override
    public int priority() {
        return ModulePriority.CORE + 4;
    }

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                CommandSpec.of("SITE", this::site).withoutLogin().commandClass(CommandClass.MISC)
                        .help("<sp> string"),
                CommandSpec.of("SITE_HELP", this::help).withoutLogin().commandClass(CommandClass.INFO)
                        .help("[<sp> site-command]"),
                CommandSpec.of("SITE_CHMOD", this::chmod).group("WRITE").commandClass(CommandClass.WRITE)
                        .help("<sp> mode <sp> pathname"));
    }

    private Outcome site(Command c) throws FtpReplyException {
        String arg = c.argument().strip();
        if (arg.isEmpty()) {
            return c.error(500, "'SITE' requires parameters");
        }
        int space = arg.indexOf(' ');
        String sub = (space < 0 ? arg : arg.substring(0, space)).toUpperCase(Locale.ROOT);
        String rest = space < 0 ? "" : arg.substring(space + 1);
        SessionImpl s = session(c);
        String verb = "SITE_" + sub;
        var primary = s.runtime().modules().command(verb);
        if (primary == null) {
            return c.error(500, "'SITE " + sub + "' not understood");
        }
        CommandImpl nested = new CommandImpl(verb, rest, s, primary.spec().group());
        nested.notes().put("mod_site.argument", arg);
        try {
            s.dispatchNested(nested);
        } catch (IOException e) {
            throw new FtpReplyException(451, "Requested action aborted: local error in processing");
        }
        return Outcome.HANDLED;
    }

    private Outcome help(Command c) {
        SessionImpl s = session(c);
        Map<String, String> entries = s.runtime().modules().helpEntries();
        String admin = "Direct comments to " + Display.serverAdmin(s);
        if (!c.arguments().isEmpty()) {
            String sub = c.arguments().get(0).toUpperCase(Locale.ROOT);
            String syntax = entries.get("SITE_" + sub);
            if (syntax == null) {
                return c.error(502, "Unknown command 'SITE HELP " + c.argument().strip() + "'");
            }
            c.reply(214, "The following SITE commands are recognized (* =>'s unimplemented)");
            c.reply(214, "Syntax: SITE " + sub + " " + syntax);
            return c.reply(214, admin);
        }
        c.reply(214, "The following SITE commands are recognized (* =>'s unimplemented)");
        entries.keySet().stream().filter(v -> v.startsWith("SITE_")).sorted((a, b) -> a.equals("SITE_HELP") ? -1
                : b.equals("SITE_HELP") ? 1 : a.compareTo(b)).forEach(v -> c.reply(214, v.substring(5)));
        return c.reply(214, admin);
    }

    private Outcome chmod(Command c) throws FtpReplyException {
        String all = "CHMOD " + c.argument();
        String arg = c.argument().strip();
        int space = arg.indexOf(' ');
        if (space < 0) {
            return c.error(500, "'SITE CHMOD" + (arg.isEmpty() ? "" : " " + arg) + "' not understood");
        }
        String modeText = arg.substring(0, space);
        String pathArg = arg.substring(space + 1).strip();
        int mode;
        try {
            mode = Integer.parseInt(modeText, 8);
            if (mode < 0 || mode > 07777) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            return c.error(550, "'" + modeText + "': invalid mode");
        }
        Path p;
        try {
            // chmod(2) follows a link; it must follow it as a chrooted process would
            p = ((JailedFileView) session(c).files()).resolve(pathArg, true);
        } catch (NoSuchFileException e) {
            return c.error(550, pathArg + ": No such file or directory");
        }
        if (!Support.allowed(c, p)) {
            return c.error(550, all + ": Permission denied");
        }
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return c.error(550, pathArg + ": No such file or directory");
        }
        try {
            Files.setAttribute(p, "unix:mode", mode & 07777);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            try {
                Files.setPosixFilePermissions(p, Support.permissions(mode & 0777));
            } catch (IOException inner) {
                return c.error(550, all + ": " + Errors.text(inner));
            }
        }
        return c.reply(200, "SITE CHMOD command successful");
    }
}

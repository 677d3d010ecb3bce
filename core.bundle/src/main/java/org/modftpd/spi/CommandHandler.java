package org.modftpd.spi;

import org.modftpd.api.Command;
import org.modftpd.api.FtpReplyException;

/** Handles one command in one phase. Return DECLINED to let the next handler run. */
@org.osgi.annotation.versioning.ConsumerType
@FunctionalInterface
public interface CommandHandler {
    Command.Outcome handle(Command command) throws FtpReplyException;
}

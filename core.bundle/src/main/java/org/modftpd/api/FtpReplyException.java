package org.modftpd.api;

import java.io.Serial;

/**
 * Thrown by a command handler to fail the command with one reply, for example
 * {@code throw new FtpReplyException(550, path + ": No such file or directory")}.
 */
public class FtpReplyException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int code;

    public FtpReplyException(int code, String text) {
        super(text, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }

    public String text() {
        return getMessage();
    }
}

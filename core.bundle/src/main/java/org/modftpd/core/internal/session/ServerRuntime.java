package org.modftpd.core.internal.session;

import java.util.Collection;
import java.util.concurrent.ScheduledExecutorService;
import org.modftpd.core.internal.config.Configuration;
import org.modftpd.core.internal.dispatch.ModuleTable;
import org.modftpd.core.internal.log.ServerLog;
import org.modftpd.core.internal.log.TransferLog;

/** What a session needs from the running server. */
public interface ServerRuntime {

    /** The module table for the next command. */
    ModuleTable modules();

    /** The configuration new sessions get. */
    Configuration configuration();

    ServerLog log();

    TransferLog transferLog();

    /** One timer thread for every session's timeouts. */
    ScheduledExecutorService timer();

    /** Direct buffers for transfers, reused across transfers. */
    BufferPool buffers();

    /** Buffers for downloads small enough to be read and written at once ({@link Transfers#SMALL_FILE}). */
    BufferPool smallFileBuffers();

    /** A session received a command (the server is not idle). */
    void commandReceived();

    void sessionStarted(SessionImpl session);

    void sessionEnded(SessionImpl session);

    Collection<SessionImpl> sessions();

    /** The server's cache of .ftpaccess files. */
    FtpAccessFiles ftpAccess();

    /** The shutdown message files (ftpshut), read at every connection. */
    org.modftpd.core.internal.ops.ShutdownFiles shutdownFiles();

    /** The server version, for banners and STAT. */
    String version();
}

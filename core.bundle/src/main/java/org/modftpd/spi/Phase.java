package org.modftpd.spi;

/** ProFTPD's dispatch phases, in the order they run for one command. */
public enum Phase {
    PRE_CMD,
    CMD,
    POST_CMD,
    POST_CMD_ERR,
    LOG_CMD,
    LOG_CMD_ERR
}

package org.modftpd.api;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One data transfer, as modules see it when it starts and ends.
 *
 * @param command      the verb that moved data (RETR, STOR, APPE, STOU, LIST, NLST, MLSD)
 * @param direction    the direction seen from the server
 * @param path         the real file, or the directory listed
 * @param clientPath   the path as the client sees it
 * @param ascii        whether ASCII conversion applied
 * @param bytes        bytes moved so far (at the end: in total, as sent on the wire)
 * @param elapsed      time since the data connection opened
 * @param completed    whether it ended successfully (false while running or when aborted/failed)
 */
public record Transfer(String command, Direction direction, Path path, String clientPath, boolean ascii,
        long bytes, Duration elapsed, boolean completed) {

    /** Whether data left the server (a download or listing) or arrived (an upload). */
    public enum Direction { OUTGOING, INCOMING }
}

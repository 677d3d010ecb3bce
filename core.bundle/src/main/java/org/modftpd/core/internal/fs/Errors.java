package org.modftpd.core.internal.fs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/** The strerror(3) text ProFTPD puts after {@code <path>: } for a failed file operation. */
public final class Errors {

    private Errors() {
    }

    public static String text(IOException e) {
        return switch (e) {
            case NoSuchFileException n -> n.getReason() != null ? n.getReason() : "No such file or directory";
            case AccessDeniedException a -> "Permission denied";
            case FileAlreadyExistsException f -> "File exists";
            case DirectoryNotEmptyException d -> "Directory not empty";
            case NotDirectoryException n -> "Not a directory";
            case NotLinkException n -> "Invalid argument";
            case FileSystemException f -> reason(f);
            default -> e.getMessage() == null ? "Input/output error" : e.getMessage();
        };
    }

    private static String reason(FileSystemException f) {
        String r = f.getReason();
        return r == null ? "Input/output error" : r;
    }
}

package org.modftpd.launcher;

/** Signal handling through the JDK's signal API (jdk.unsupported), the only way a JVM sees HUP. */
final class Signals {

    private Signals() {
    }

    @SuppressWarnings("removal")
    static void onHangup(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
        } catch (IllegalArgumentException unsupported) {
            System.err.println("modftpd: SIGHUP cannot be handled on this platform; reload is unavailable");
        }
    }

    /**
     * SIGTERM and SIGINT run {@code action} instead of the JVM's default, which exits with status
     * 143 or 130 even when the shutdown went cleanly; ProFTPD exits 0 once it has stopped. A signal
     * that was ignored when the JVM started (for example SIGINT of a background job) stays ignored.
     */
    @SuppressWarnings("removal")
    static void onTerminate(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> action.run());
            } catch (IllegalArgumentException unsupported) {
                // the JVM's shutdown hook still stops the server
            }
        }
    }
}

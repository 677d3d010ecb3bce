package org.modftpd.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ftpdctl, ftpwho and ftpcount: send one action to a running server over its control socket and
 * print the answer. {@code -s PATH} names the socket; the default is
 * {@code $MODFTPD_HOME/var/run/modftpd.sock}.
 */
public final class Ctl {

    private Ctl() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the tool; the first argument is the tool name (ftpdctl, ftpwho or ftpcount). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String tool = args.length == 0 ? "ftpdctl" : args[0];
        Path socket = defaultSocket();
        List<String> words = new ArrayList<>();
        switch (tool) {
            case "ftpwho" -> words.add("who");
            case "ftpcount" -> words.add("count");
            default -> { }
        }
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-s") || a.equals("--socket")) {
                if (++i >= args.length) {
                    err.println(tool + ": -s needs the path of the control socket");
                    return 2;
                }
                socket = Path.of(args[i]);
            } else if (a.equals("-h") || a.equals("--help")) {
                out.println(usage(tool));
                return 0;
            } else if (tool.equals("ftpwho") && (a.equals("-v") || a.equals("--verbose"))) {
                words.add("-v");
            } else if (a.indexOf('\n') >= 0 || a.indexOf('\r') >= 0) {
                err.println(tool + ": arguments must not contain line breaks");
                return 2;
            } else {
                words.add(a);
            }
        }
        if (words.isEmpty()) {
            err.println(usage(tool));
            return 2;
        }
        try {
            out.print(ask(socket, String.join(" ", words)));
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println(tool + ": unable to reach the server at " + socket + ": " + e.getMessage()
                    + " (is it running? is ControlsEngine on?)");
            return 1;
        }
    }

    static String ask(Path socket, String line) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer request = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (request.hasRemaining()) {
                ch.write(request);
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (ch.read(buf) >= 0) {
                buf.flip();
                answer.write(buf.array(), 0, buf.limit());
                buf.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static Path defaultSocket() {
        String home = System.getProperty("modftpd.home", System.getenv().getOrDefault("MODFTPD_HOME", "."));
        return Path.of(home, "var", "run", "modftpd.sock");
    }

    private static String usage(String tool) {
        return switch (tool) {
            case "ftpwho" -> "usage: ftpwho [-v] [-s socket]";
            case "ftpcount" -> "usage: ftpcount [-s socket]";
            default -> "usage: ftpdctl [-s socket] action [args]   (actions: help, who, count, kick, reload, modules,"
                    + " enable, disable)";
        };
    }
}

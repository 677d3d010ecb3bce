import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load for bench/sql: N clients, each logging in and out in a loop over raw FTP
 * (connect, 220, USER, 331, PASS, 230, QUIT, 221), user i%users. Counts logins answered 230 during
 * the measured window (after a warm-up) and prints one line:
 * {@code logins=<n> seconds=<s> rate=<logins/s> failed=<n> errors=<n>}.
 *
 * <p>java LoginBench.java host port userPrefix users password clients warmupSeconds seconds
 */
public final class LoginBench {

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String prefix = args[2];
        int users = Integer.parseInt(args[3]);
        String password = args[4];
        int clients = Integer.parseInt(args[5]);
        long warmup = Long.parseLong(args[6]) * 1_000_000_000L;
        long measure = Long.parseLong(args[7]) * 1_000_000_000L;

        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicLong ok = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                String user = prefix + (client % users);
                while (!stop.get()) {
                    try {
                        int code = login(host, port, user, password);
                        if (measuring.get()) {
                            if (code == 230) {
                                ok.incrementAndGet();
                            } else {
                                refused.incrementAndGet();
                            }
                        }
                    } catch (IOException e) {
                        if (measuring.get()) {
                            errors.incrementAndGet();
                        }
                    }
                }
            }, "client-" + c);
            t.start();
            threads.add(t);
        }
        Thread.sleep(warmup / 1_000_000);
        measuring.set(true);
        long started = System.nanoTime();
        Thread.sleep(measure / 1_000_000);
        measuring.set(false);
        long elapsed = System.nanoTime() - started;
        stop.set(true);
        for (Thread t : threads) {
            t.join(30_000);
        }
        double seconds = elapsed / 1e9;
        System.out.printf("logins=%d seconds=%.3f rate=%.1f failed=%d errors=%d%n", ok.get(), seconds,
                ok.get() / seconds, refused.get(), errors.get());
    }

    /** One login; returns the code of the reply to PASS. */
    static int login(String host, int port, String user, String password) throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(30_000);
            s.connect(new InetSocketAddress(host, port), 10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            expect(in, 220);
            send(out, "USER " + user);
            expect(in, 331);
            send(out, "PASS " + password);
            int code = reply(in);
            send(out, "QUIT");
            reply(in);
            return code;
        }
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void expect(BufferedReader in, int code) throws IOException {
        int got = reply(in);
        if (got != code) {
            throw new IOException("expected " + code + ", got " + got);
        }
    }

    /** Reads one (possibly multi-line) reply; returns its code. */
    private static int reply(BufferedReader in) throws IOException {
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed");
            }
            if (line.length() >= 4 && Character.isDigit(line.charAt(0)) && line.charAt(3) == ' ') {
                return Integer.parseInt(line.substring(0, 3));
            }
        }
    }
}

import java.io.*;
import java.lang.management.ManagementFactory;
import java.net.*;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/**
 * The benchmark's load client: raw FTP over sockets, one workload per invocation, one JSON object
 * on standard output. Server CPU and memory are read from /proc for the server's process tree
 * (the given pid and all its descendants, with the CPU of reaped children, so forking servers
 * are counted whole).
 *
 * <pre>
 * java -cp bench/target/client FtpBench W1 --port P --user U --pass S --pid N [--size BYTES] ...
 * </pre>
 */
public final class FtpBench {
    static final Map<String, String> opt = new HashMap<>();
    static String host = "127.0.0.1";
    static int port;
    static String user, pass;
    static long serverPid;

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: FtpBench W1|W2|W3|W4|W5|W6|W7 --port P --user U --pass S --pid PID [options]");
            System.exit(2);
        }
        String w = args[0];
        for (int i = 1; i + 1 < args.length; i += 2) opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        host = opt.getOrDefault("host", host);
        port = Integer.parseInt(opt.getOrDefault("port", "0"));
        user = opt.get("user");
        pass = opt.get("pass");
        serverPid = Long.parseLong(opt.getOrDefault("pid", "0"));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("workload", w);
        r.put("loadavg_before", loadavg());
        long cpu0 = serverCpuMs(), ccpu0 = clientCpuMs();
        long t0 = System.nanoTime();
        switch (w) {
            case "W1" -> w1(r);
            case "W2" -> w2(r);
            case "W3" -> w3(r);
            case "W4" -> w4(r);
            case "W5" -> w5(r);
            case "W6" -> w6(r);
            case "W7" -> w7(r);
            default -> throw new IllegalArgumentException(w);
        }
        long wall = (System.nanoTime() - t0) / 1_000_000;
        if (!w.equals("W7")) {
            // W1/W2 take it before QUIT, while a forking server's session processes are still alive: a
            // session process that has exited but that its parent has not reaped yet is counted nowhere
            long cpu1 = serverCpuBeforeQuit >= 0 ? serverCpuBeforeQuit : serverCpuMs();
            r.put("server_cpu_ms", cpu1 - cpu0);
        }
        r.put("client_cpu_ms", clientCpuMs() - ccpu0);
        r.put("wall_ms", wall);
        r.put("loadavg_after", loadavg());
        Object ops = r.get("ops");
        if (ops instanceof Number n && n.doubleValue() > 0 && r.containsKey("server_cpu_ms")) {
            r.put("server_cpu_us_per_op", 1000.0 * ((Number) r.get("server_cpu_ms")).doubleValue() / n.doubleValue());
            r.put("client_cpu_us_per_op", 1000.0 * ((Number) r.get("client_cpu_ms")).doubleValue() / n.doubleValue());
        }
        System.out.println(json(r));
        System.exit(0);
    }

    // ---------------------------------------------------------------- FTP control connection

    static final class Ctl implements Closeable {
        final Socket s;
        final InputStream in;
        final OutputStream out;
        final byte[] line = new byte[8192];
        String last;

        Ctl(int timeoutMs) throws IOException {
            s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            in = new BufferedInputStream(s.getInputStream(), 16384);
            out = s.getOutputStream();
        }

        /** Reads one (possibly multi-line) reply and returns its code. */
        int reply() throws IOException {
            String first = readLine();
            int code = Integer.parseInt(first.substring(0, 3));
            if (first.length() > 3 && first.charAt(3) == '-') {
                String end = first.substring(0, 3) + " ";
                for (int i = 0; i < 100_000; i++) {
                    String l = readLine();
                    if (l.startsWith(end)) { first = l; break; }
                }
            }
            last = first;
            return code;
        }

        String readLine() throws IOException {
            int n = 0;
            while (true) {
                int b = in.read();
                if (b < 0) throw new EOFException("connection closed by server after: " + last);
                if (b == '\n') break;
                if (n < line.length) line[n++] = (byte) b;
            }
            if (n > 0 && line[n - 1] == '\r') n--;
            return new String(line, 0, n, StandardCharsets.ISO_8859_1);
        }

        void send(String cmd) throws IOException {
            out.write((cmd + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        int cmd(String cmd) throws IOException {
            send(cmd);
            return reply();
        }

        void expect(String cmd, int... codes) throws IOException {
            int c = cmd(cmd);
            for (int ok : codes) if (c == ok) return;
            throw new IOException(cmd.startsWith("PASS") ? "PASS -> " + last : cmd + " -> " + last);
        }

        void login() throws IOException {
            int c = reply();
            if (c != 220) throw new IOException("banner: " + last);
            c = cmd("USER " + user);
            if (c == 331) c = cmd("PASS " + pass);
            if (c != 230) throw new IOException("login: " + last);
        }

        /** PASV and connect the data socket. */
        Socket pasv() throws IOException {
            int c = cmd("PASV");
            if (c != 227) throw new IOException("PASV -> " + last);
            int a = last.indexOf('('), b = last.indexOf(')', a);
            String[] p = last.substring(a + 1, b).split(",");
            int dport = Integer.parseInt(p[4].trim()) * 256 + Integer.parseInt(p[5].trim());
            Socket d = new Socket();
            d.connect(new InetSocketAddress(host, dport), 10_000);
            d.setSoTimeout(60_000);
            return d;
        }

        SocketChannel pasvChannel() throws IOException {
            int c = cmd("PASV");
            if (c != 227) throw new IOException("PASV -> " + last);
            int a = last.indexOf('('), b = last.indexOf(')', a);
            String[] p = last.substring(a + 1, b).split(",");
            int dport = Integer.parseInt(p[4].trim()) * 256 + Integer.parseInt(p[5].trim());
            return SocketChannel.open(new InetSocketAddress(host, dport));
        }

        @Override
        public void close() {
            try { s.close(); } catch (IOException ignored) { }
        }
    }

    // ---------------------------------------------------------------- workloads

    /** W1: RETR of a large file, binary, passive. */
    static void w1(Map<String, Object> r) throws IOException {
        String file = opt.getOrDefault("file", "big.bin");
        long expected = Long.parseLong(opt.getOrDefault("size", String.valueOf(1L << 30)));
        try (Ctl c = new Ctl(60_000)) {
            c.login();
            c.expect("TYPE I", 200);
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            long t0 = System.nanoTime();
            long got = 0;
            try (SocketChannel d = c.pasvChannel()) {
                c.send("RETR " + file);
                int code = c.reply();
                if (code != 150 && code != 125) throw new IOException("RETR -> " + c.last);
                while (true) {
                    int n = d.read(buf);
                    if (n < 0) break;
                    got += n;
                    buf.clear();
                }
            }
            int code = c.reply();
            long ns = System.nanoTime() - t0;
            if (code != 226 && code != 250) throw new IOException("RETR end -> " + c.last);
            if (got != expected) throw new IOException("RETR got " + got + " bytes, expected " + expected);
            r.put("bytes", got);
            r.put("ops", got / (double) (1L << 30)); // per GiB
            r.put("value", got / 1e6 / (ns / 1e9));
            r.put("unit", "MB/s");
            serverCpuBeforeQuit = serverCpuMs();
            c.cmd("QUIT");
        }
    }

    /** W2: STOR of a large file from a direct buffer. */
    static void w2(Map<String, Object> r) throws IOException {
        long size = Long.parseLong(opt.getOrDefault("size", String.valueOf(1L << 30)));
        String file = opt.getOrDefault("file", "upload.bin");
        try (Ctl c = new Ctl(60_000)) {
            c.login();
            c.expect("TYPE I", 200);
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            new Random(1).nextBytes(new byte[0]);
            while (buf.hasRemaining()) buf.put((byte) (buf.position() * 31));
            long t0 = System.nanoTime();
            long sent = 0;
            try (SocketChannel d = c.pasvChannel()) {
                c.send("STOR " + file);
                int code = c.reply();
                if (code != 150 && code != 125) throw new IOException("STOR -> " + c.last);
                while (sent < size) {
                    buf.clear();
                    if (size - sent < buf.capacity()) buf.limit((int) (size - sent));
                    while (buf.hasRemaining()) sent += d.write(buf);
                }
                d.shutdownOutput();
            }
            int code = c.reply();
            long ns = System.nanoTime() - t0;
            if (code != 226 && code != 250) throw new IOException("STOR end -> " + c.last);
            c.send("SIZE " + file);
            int sc = c.reply();
            if (sc == 213 && Long.parseLong(c.last.substring(4).trim()) != size)
                throw new IOException("stored size " + c.last + ", expected " + size);
            c.cmd("DELE " + file);
            r.put("bytes", sent);
            r.put("ops", sent / (double) (1L << 30));
            r.put("value", sent / 1e6 / (ns / 1e9));
            r.put("unit", "MB/s");
            serverCpuBeforeQuit = serverCpuMs();
            c.cmd("QUIT");
        }
    }

    /** W3: N clients looping connect, USER/PASS, PWD, QUIT. */
    static void w3(Map<String, Object> r) throws Exception {
        int clients = Integer.parseInt(opt.getOrDefault("clients", "32"));
        long durMs = Long.parseLong(opt.getOrDefault("duration-ms", "5000"));
        long warmMs = Long.parseLong(opt.getOrDefault("warmup-ms", "1000"));
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        ConcurrentLinkedQueue<long[]> lat = new ConcurrentLinkedQueue<>();
        AtomicInteger sessions = new AtomicInteger();
        final long[] window = new long[2];
        long start = System.nanoTime();
        window[0] = start + warmMs * 1_000_000;
        window[1] = window[0] + durMs * 1_000_000;
        long cpuAtWindow[] = new long[2];
        ExecutorService ex = Executors.newFixedThreadPool(clients);
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            fs.add(ex.submit(() -> {
                long[] mine = new long[200_000];
                int k = 0;
                for (int it = 0; it < 10_000_000; it++) {
                    long now = System.nanoTime();
                    if (now >= window[1]) break;
                    try (Ctl c = new Ctl(10_000)) {
                        c.login();
                        long t1 = System.nanoTime();
                        c.expect("PWD", 257);
                        c.send("QUIT");
                        c.reply();
                        // let the server close first so TIME_WAIT stays on its side
                        c.s.setSoTimeout(2000);
                        try { while (c.in.read() >= 0) { } } catch (IOException ignored) { }
                        if (now >= window[0] && System.nanoTime() <= window[1]) {
                            sessions.incrementAndGet();
                            if (k < mine.length) mine[k++] = t1 - now;
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                        try { Thread.sleep(10); } catch (InterruptedException ie) { return; }
                    }
                }
                lat.add(Arrays.copyOf(mine, k));
            }));
        }
        // CPU across the measured window only
        sleepUntil(window[0]);
        cpuAtWindow[0] = serverCpuMs();
        long cc0 = clientCpuMs();
        sleepUntil(window[1]);
        cpuAtWindow[1] = serverCpuMs();
        long cc1 = clientCpuMs();
        for (Future<?> f : fs) f.get(60, TimeUnit.SECONDS);
        ex.shutdownNow();
        long[] all = lat.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        int n = sessions.get();
        r.put("sessions", n);
        r.put("errors", errors.get());
        if (firstError.get() != null) r.put("first_error", firstError.get());
        r.put("value", n / (durMs / 1000.0));
        r.put("unit", "sessions/s");
        r.put("login_p50_ms", pct(all, 50) / 1e6);
        r.put("login_p99_ms", pct(all, 99) / 1e6);
        r.put("window_server_cpu_ms", cpuAtWindow[1] - cpuAtWindow[0]);
        r.put("window_client_cpu_ms", cc1 - cc0);
        r.put("window_server_cpu_us_per_session", n == 0 ? 0 : 1000.0 * (cpuAtWindow[1] - cpuAtWindow[0]) / n);
        r.put("window_client_cpu_us_per_session", n == 0 ? 0 : 1000.0 * (cc1 - cc0) / n);
    }

    /** W4: N clients, one session each, RETR of distinct small files with a new PASV each. */
    static void w4(Map<String, Object> r) throws Exception {
        int clients = Integer.parseInt(opt.getOrDefault("clients", "8"));
        int files = Integer.parseInt(opt.getOrDefault("files", "1000"));
        int fsize = Integer.parseInt(opt.getOrDefault("file-size", "4096"));
        String dir = opt.getOrDefault("dir", "small");
        long durMs = Long.parseLong(opt.getOrDefault("duration-ms", "5000"));
        long warmMs = Long.parseLong(opt.getOrDefault("warmup-ms", "1000"));
        long[] window = new long[2];
        window[0] = System.nanoTime() + warmMs * 1_000_000;
        window[1] = window[0] + durMs * 1_000_000;
        AtomicLong done = new AtomicLong(), errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        ExecutorService ex = Executors.newFixedThreadPool(clients);
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            final int id = i;
            fs.add(ex.submit(() -> {
                byte[] buf = new byte[65536];
                try (Ctl c = new Ctl(10_000)) {
                    c.login();
                    c.expect("TYPE I", 200);
                    c.expect("CWD " + dir, 250);
                    for (int k = 0; k < 100_000_000; k++) {
                        if (System.nanoTime() >= window[1]) break;
                        int f = (id * (files / clients) + k) % files;
                        String name = String.format("f%05d", f);
                        try (Socket d = c.pasv()) {
                            c.send("RETR " + name);
                            int code = c.reply();
                            if (code != 150 && code != 125) throw new IOException("RETR -> " + c.last);
                            InputStream in = d.getInputStream();
                            int got = 0;
                            for (int n; (n = in.read(buf)) >= 0; ) got += n;
                            if (got != fsize) throw new IOException("RETR " + name + " got " + got);
                        }
                        int code = c.reply();
                        if (code != 226 && code != 250) throw new IOException("RETR end -> " + c.last);
                        long now = System.nanoTime();
                        if (now >= window[0] && now <= window[1]) done.incrementAndGet();
                    }
                    c.cmd("QUIT");
                } catch (Exception e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e.toString());
                }
            }));
        }
        sleepUntil(window[0]);
        long s0 = serverCpuMs(), c0 = clientCpuMs();
        sleepUntil(window[1]);
        long s1 = serverCpuMs(), c1 = clientCpuMs();
        for (Future<?> f : fs) f.get(60, TimeUnit.SECONDS);
        ex.shutdownNow();
        long n = done.get();
        r.put("files", n);
        r.put("errors", errors.get());
        if (firstError.get() != null) r.put("first_error", firstError.get());
        r.put("value", n / (durMs / 1000.0));
        r.put("unit", "files/s");
        r.put("window_server_cpu_ms", s1 - s0);
        r.put("window_client_cpu_ms", c1 - c0);
        r.put("window_server_cpu_us_per_file", n == 0 ? 0 : 1000.0 * (s1 - s0) / n);
        r.put("window_client_cpu_us_per_file", n == 0 ? 0 : 1000.0 * (c1 - c0) / n);
    }

    /** W5: LIST and MLSD of a large directory, ms from PASV to the closing reply. */
    static void w5(Map<String, Object> r) throws Exception {
        String dir = opt.getOrDefault("dir", "dir10k");
        int entries = Integer.parseInt(opt.getOrDefault("entries", "10000"));
        int iters = Integer.parseInt(opt.getOrDefault("iterations", "5"));
        try (Ctl c = new Ctl(60_000)) {
            c.login();
            c.expect("TYPE A", 200);
            for (String verb : new String[] {"LIST", "MLSD"}) {
                double[] ms = new double[iters];
                long lines = 0;
                long[] cpu0 = serverUserSysMs();
                boolean unsupported = false;
                for (int i = -1; i < iters; i++) { // one warm-up
                    long t0 = System.nanoTime();
                    long n = 0;
                    try (Socket d = c.pasv()) {
                        c.send(verb + " " + dir);
                        int code = c.reply();
                        if (code == 500 || code == 502) { unsupported = true; break; }
                        if (code != 150 && code != 125) throw new IOException(verb + " -> " + c.last);
                        BufferedReader br = new BufferedReader(new InputStreamReader(d.getInputStream(), StandardCharsets.ISO_8859_1), 65536);
                        for (String l; (l = br.readLine()) != null; ) if (!l.isEmpty()) n++;
                    }
                    if (unsupported) break;
                    int code = c.reply();
                    if (code != 226 && code != 250) throw new IOException(verb + " end -> " + c.last);
                    if (i == -1) { cpu0 = serverUserSysMs(); continue; }
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                    lines = n;
                }
                String k = verb.toLowerCase();
                if (unsupported) { r.put(k + "_unsupported", c.last); continue; }
                long[] cpu1 = serverUserSysMs();
                long user = cpu1[0] - cpu0[0], sys = cpu1[1] - cpu0[1], cpu = user + sys;
                if (lines < entries) throw new IOException(verb + " returned " + lines + " lines, expected " + entries);
                Arrays.sort(ms);
                r.put(k + "_ms", ms[iters / 2]);
                r.put(k + "_min_ms", ms[0]);
                r.put(k + "_lines", lines);
                r.put(k + "_server_cpu_ms_per_op", cpu / (double) iters);
                r.put(k + "_server_user_ms_per_op", user / (double) iters);
                r.put(k + "_server_sys_ms_per_op", sys / (double) iters);
            }
            r.put("value", r.get("list_ms"));
            r.put("unit", "ms");
            c.cmd("QUIT");
        }
    }

    /** W6: N concurrent logged-in idle sessions; server PSS per session. */
    static void w6(Map<String, Object> r) throws Exception {
        int n = Integer.parseInt(opt.getOrDefault("sessions", "2000"));
        int par = Integer.parseInt(opt.getOrDefault("parallel", "32"));
        long timeoutMs = Long.parseLong(opt.getOrDefault("timeout-ms", "180000"));
        long settleMs = Long.parseLong(opt.getOrDefault("settle-ms", "3000"));
        long pss0 = serverPssKiB();
        List<Ctl> open = Collections.synchronizedList(new ArrayList<>(n));
        AtomicInteger next = new AtomicInteger(), errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        long t0 = System.nanoTime();
        ExecutorService ex = Executors.newFixedThreadPool(par);
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < par; i++) {
            fs.add(ex.submit(() -> {
                while (next.getAndIncrement() < n && System.nanoTime() < deadline) {
                    Ctl c = null;
                    try {
                        c = new Ctl(30_000);
                        c.login();
                        c.s.setSoTimeout(0);
                        open.add(c);
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                        if (c != null) c.close();
                    }
                }
            }));
        }
        for (Future<?> f : fs) f.get(timeoutMs + 60_000, TimeUnit.MILLISECONDS);
        ex.shutdownNow();
        long loginMs = (System.nanoTime() - t0) / 1_000_000;
        Thread.sleep(settleMs);
        // check a sample of them is still alive
        int alive = 0, checked = 0;
        for (int i = 0; i < open.size() && checked < 50; i += Math.max(1, open.size() / 50), checked++) {
            try {
                Ctl c = open.get(i);
                c.s.setSoTimeout(10_000);
                if (c.cmd("NOOP") == 200) alive++;
            } catch (IOException e) {
                firstError.compareAndSet(null, "NOOP: " + e);
            }
        }
        long pss1 = serverPssKiB();
        int procs = serverPids().size();
        r.put("sessions_requested", n);
        r.put("sessions_open", open.size());
        r.put("errors", errors.get());
        if (firstError.get() != null) r.put("first_error", firstError.get());
        r.put("noop_ok", alive + "/" + checked);
        r.put("login_all_ms", loginMs);
        r.put("server_processes", procs);
        r.put("pss_before_kib", pss0);
        r.put("pss_after_kib", pss1);
        double per = open.isEmpty() ? 0 : (pss1 - pss0) / (double) open.size();
        r.put("value", per);
        r.put("unit", "KiB/session");
        r.put("ops", open.size());
        // optionally hold the sessions (for jcmd/JFR from outside), bounded
        long holdMs = Math.min(600_000, Long.parseLong(opt.getOrDefault("hold-ms", "0")));
        if (holdMs > 0) {
            System.err.println("W6: holding " + open.size() + " sessions for " + holdMs + " ms");
            Thread.sleep(holdMs);
        }
        // close: QUIT is not needed; closing the sockets ends the sessions
        for (Ctl c : open) c.close();
        // wait (bounded) for the server to let go of them
        for (int i = 0; i < 100 && serverPids().size() > 1 && procs > 1; i++) Thread.sleep(100);
    }

    /** W7: launch the server (command after --cmd, split on '\u0001') and time the first 220. */
    static void w7(Map<String, Object> r) throws Exception {
        List<String> cmd = Arrays.asList(opt.get("cmd").split("\u0001"));
        long timeoutMs = Long.parseLong(opt.getOrDefault("timeout-ms", "30000"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(new File(opt.getOrDefault("log", "/dev/null")));
        long t0 = System.nanoTime();
        Process p = pb.start();
        double ms = -1;
        String err = null;
        try {
            long deadline = t0 + timeoutMs * 1_000_000;
            while (System.nanoTime() < deadline && p.isAlive()) {
                try (Ctl c = new Ctl(2000)) {
                    if (c.reply() == 220) { ms = (System.nanoTime() - t0) / 1e6; break; }
                } catch (IOException e) {
                    Thread.sleep(2);
                }
            }
            if (!p.isAlive()) err = "server exited with " + p.exitValue();
        } finally {
            List<ProcessHandle> kids = p.descendants().toList();
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
            for (ProcessHandle k : kids) k.destroy();
        }
        r.put("value", ms);
        r.put("unit", "ms");
        if (err != null && ms < 0) r.put("first_error", err);
    }

    // ---------------------------------------------------------------- /proc

    static long clkTck = 100;

    static List<Long> serverPids() {
        List<Long> out = new ArrayList<>();
        if (serverPid <= 0) return out;
        Map<Long, List<Long>> kids = new HashMap<>();
        File[] ps = new File("/proc").listFiles();
        if (ps != null) for (File f : ps) {
            String name = f.getName();
            if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
            try {
                String st = Files.readString(Path.of("/proc", name, "stat"));
                String[] a = st.substring(st.lastIndexOf(')') + 2).split(" ");
                kids.computeIfAbsent(Long.parseLong(a[1]), k -> new ArrayList<>()).add(Long.parseLong(name));
            } catch (Exception ignored) { }
        }
        Deque<Long> q = new ArrayDeque<>(List.of(serverPid));
        while (!q.isEmpty() && out.size() < 1_000_000) {
            long p = q.poll();
            out.add(p);
            q.addAll(kids.getOrDefault(p, List.of()));
        }
        return out;
    }

    /** The server's CPU taken by a workload before its QUIT, or -1. */
    static long serverCpuBeforeQuit = -1;

    /** utime+stime+cutime+cstime of the server and every live descendant, in ms. */
    static long serverCpuMs() {
        long[] split = serverUserSysMs();
        return split[0] + split[1];
    }

    /** The server's user and system CPU ms (its processes and their reaped children). */
    static long[] serverUserSysMs() {
        long user = 0, sys = 0;
        for (long p : serverPids()) {
            try {
                String st = Files.readString(Path.of("/proc", Long.toString(p), "stat"));
                String[] a = st.substring(st.lastIndexOf(')') + 2).split(" ");
                // fields after ')' start at field 3 (state): utime=14 -> index 11, stime, cutime, cstime
                user += Long.parseLong(a[11]) + Long.parseLong(a[13]);
                sys += Long.parseLong(a[12]) + Long.parseLong(a[14]);
            } catch (Exception ignored) { }
        }
        return new long[] {user * 1000 / clkTck, sys * 1000 / clkTck};
    }

    static long serverPssKiB() {
        long kib = 0;
        for (long p : serverPids()) {
            try {
                for (String l : Files.readAllLines(Path.of("/proc", Long.toString(p), "smaps_rollup"))) {
                    if (l.startsWith("Pss:")) kib += Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            } catch (Exception ignored) { }
        }
        return kib;
    }

    static long clientCpuMs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
    }

    static String loadavg() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).trim().split(" "), 3));
        } catch (IOException e) {
            return "?";
        }
    }

    // ---------------------------------------------------------------- helpers

    static void sleepUntil(long nanos) throws InterruptedException {
        long d = nanos - System.nanoTime();
        if (d > 0) Thread.sleep(d / 1_000_000, (int) (d % 1_000_000));
    }

    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static String json(Map<String, Object> m) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (b.length() > 1) b.append(", ");
            b.append('"').append(e.getKey()).append("\": ");
            Object v = e.getValue();
            if (v instanceof Number n) {
                double d = n.doubleValue();
                b.append(Double.isFinite(d) ? (d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format(Locale.ROOT, "%.3f", d)) : "null");
            } else {
                b.append('"').append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return b.append('}').toString();
    }
}

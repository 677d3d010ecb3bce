package org.modftpd.mod_sql;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The arguments of {@code SQLConnectInfo} (and of {@code SQLNamedConnectInfo} after its name and
 * backend): {@code info [user [password [policy]]] [ssl-ca:path] [ssl-cert:path] [ssl-key:path]
 * [ssl-ciphers:list]}. For PostgreSQL and MySQL {@code info} is {@code database[@host][:port]}, where
 * a host starting with {@code /} is a Unix socket (PostgreSQL: the directory holding
 * {@code .s.PGSQL.<port>}; MySQL: the socket file); for SQLite it is the database file.
 *
 * @param policy {@code PERSESSION} (default), {@code PERCONNECTION}, or seconds of inactivity after
 *               which pooled connections are closed
 */
record ConnectInfo(String info, String user, String password, String policy, String sslCa, String sslCert,
        String sslKey, String sslCiphers) {

    ConnectInfo {
        Objects.requireNonNull(info);
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        policy = policy == null ? "PERSESSION" : policy;
    }

    static ConnectInfo parse(List<String> args) {
        String ca = null;
        String cert = null;
        String key = null;
        String ciphers = null;
        List<String> positional = new java.util.ArrayList<>();
        for (String a : args) {
            if (a.startsWith("ssl-ca:")) {
                ca = a.substring(7);
            } else if (a.startsWith("ssl-cert:")) {
                cert = a.substring(9);
            } else if (a.startsWith("ssl-key:")) {
                key = a.substring(8);
            } else if (a.startsWith("ssl-ciphers:")) {
                ciphers = a.substring(12);
            } else {
                positional.add(a);
            }
        }
        if (positional.isEmpty()) {
            throw new IllegalArgumentException("missing connection info (database[@host][:port] or a file)");
        }
        if (positional.size() > 4) {
            throw new IllegalArgumentException("too many parameters: expected info [user [password [policy]]]");
        }
        String policy = positional.size() > 3 ? positional.get(3) : null;
        if (policy != null && !isPolicy(policy)) {
            throw new IllegalArgumentException("unknown connection policy '" + policy
                    + "' (PERSESSION, PERCONNECTION or a number of seconds)");
        }
        return new ConnectInfo(positional.get(0), positional.size() > 1 ? positional.get(1) : "",
                positional.size() > 2 ? positional.get(2) : "", policy, ca, cert, key, ciphers);
    }

    private static boolean isPolicy(String p) {
        String u = p.toUpperCase(Locale.ROOT);
        return u.equals("PERSESSION") || u.equals("PERCONNECTION") || u.equals("PERCONN") || u.equals("PERCALL")
                || p.matches("-?[0-9]+");
    }

    /** Whether the policy asks for a connection as soon as the client connects. */
    boolean perConnection() {
        String u = policy.toUpperCase(Locale.ROOT);
        return u.equals("PERCONNECTION") || u.equals("PERCONN");
    }

    /** Seconds of inactivity after which idle pooled connections close, or 0 for the pool's default. */
    long idleSeconds() {
        if (policy.matches("[0-9]+")) {
            return Long.parseLong(policy);
        }
        return 0;
    }

    /** {@code database[@host][:port]} taken apart; the host is null when it was not given. */
    record Location(String database, String host, int port, boolean unixSocket) {
    }

    /** Splits {@code database[@host][:port]} as mod_sql_postgres and mod_sql_mysql do. */
    Location location(Backend backend) {
        if (backend == Backend.SQLITE3) {
            return new Location(info, null, 0, false);
        }
        String db = info;
        String host = null;
        int port = backend.defaultPort();
        int at = db.indexOf('@');
        String rest = null;
        if (at >= 0) {
            rest = db.substring(at + 1);
            db = db.substring(0, at);
        }
        String portText = null;
        if (rest != null) {
            int colon = rest.lastIndexOf(':');
            if (colon >= 0) {
                portText = rest.substring(colon + 1);
                rest = rest.substring(0, colon);
            }
            host = rest;
        } else {
            int colon = db.indexOf(':');
            if (colon >= 0) {
                portText = db.substring(colon + 1);
                db = db.substring(0, colon);
            }
        }
        if (portText != null && !portText.isEmpty()) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port '" + portText + "' in '" + info + "'");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " out of range in '" + info + "'");
            }
        }
        if (db.isEmpty()) {
            throw new IllegalArgumentException("no database name in '" + info + "'");
        }
        boolean socket = host != null && host.startsWith("/");
        if (host == null || host.isEmpty()) {
            host = "localhost";
        }
        return new Location(db, host, port, socket);
    }

    /** Checks what can be checked at startup: the info splits and paths are absolute. */
    ConnectInfo validate(Backend backend) {
        if (backend == Backend.SQLITE3) {
            if (!info.equals(":memory:") && !Path.of(info).isAbsolute()) {
                throw new IllegalArgumentException("SQLite database '" + info + "' is not an absolute path");
            }
        } else {
            location(backend);
        }
        return this;
    }

    @Override
    public String toString() {
        return info + (user.isEmpty() ? "" : " user " + user);
    }
}

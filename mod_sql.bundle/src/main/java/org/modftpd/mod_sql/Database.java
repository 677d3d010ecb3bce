package org.modftpd.mod_sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;

/**
 * Runs one bound statement on a pooled connection. A statement that fails because the connection
 * was lost (the database restarted, a firewall dropped it) is retried once on a fresh connection,
 * as ProFTPD's backends reconnect once, unless {@code SQLOptions NoReconnect}.
 */
final class Database {

    /** Rows of text (SQL NULL as null), or the update count of a statement without rows. */
    record Result(List<List<String>> rows, int updateCount) {
        static final Result NONE = new Result(List.of(), 0);

        /** The first column of the first row, or null. */
        String first() {
            return rows.isEmpty() || rows.get(0).isEmpty() ? null : rows.get(0).get(0);
        }
    }

    /** A statement the database could not run, with the driver's message and SQLState. */
    static final class DbException extends Exception {
        private static final long serialVersionUID = 1L;

        DbException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /** The most rows read from one result; queries of users and groups need far fewer. */
    static final int MAX_ROWS = 100_000;

    private Database() {
    }

    interface Source {
        DataSource get() throws SQLException;

        /** No connection could be had: the source may start afresh for the next caller. */
        default void unreachable() {
        }
    }

    static Result run(Source source, SqlTemplate.Bound statement, boolean reconnect) throws DbException {
        for (int attempt = 0; ; attempt++) {
            Connection c;
            try {
                c = source.get().getConnection();
            } catch (SQLException e) {
                // the pool has already waited and retried for a connection; do not wait twice
                source.unreachable();
                throw new DbException("unable to connect: " + describe(e), e);
            }
            try (c; PreparedStatement ps = c.prepareStatement(statement.sql())) {
                List<Object> params = statement.params();
                for (int i = 0; i < params.size(); i++) {
                    Object v = params.get(i);
                    if (v instanceof Long l) {
                        ps.setLong(i + 1, l);
                    } else {
                        ps.setString(i + 1, (String) v);
                    }
                }
                if (!ps.execute()) {
                    return new Result(List.of(), ps.getUpdateCount());
                }
                try (ResultSet rs = ps.getResultSet()) {
                    ResultSetMetaData md = rs.getMetaData();
                    int cols = md.getColumnCount();
                    List<List<String>> rows = new ArrayList<>();
                    while (rs.next() && rows.size() < MAX_ROWS) {
                        List<String> row = new ArrayList<>(cols);
                        for (int k = 1; k <= cols; k++) {
                            row.add(rs.getString(k));
                        }
                        rows.add(Collections.unmodifiableList(row));
                    }
                    return new Result(Collections.unmodifiableList(rows), -1);
                }
            } catch (SQLException e) {
                if (attempt == 0 && reconnect && connectionLost(e)) {
                    continue;
                }
                throw new DbException(describe(e), e);
            }
        }
    }

    /** Whether an error means the connection is gone rather than that the statement is wrong. */
    static boolean connectionLost(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLNonTransientConnectionException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                // 08: connection exception; 57P01-03: PostgreSQL shut down or cannot connect now
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                        || state.equals("57P03")) {
                    return true;
                }
            }
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    static String describe(SQLException e) {
        String state = e.getSQLState();
        String message = e.getMessage() == null ? e.toString() : e.getMessage().strip();
        return state == null ? message : "(" + state + ") " + message;
    }
}

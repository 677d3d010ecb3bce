package org.modftpd.core.internal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class TransferLogTest {

    @Test
    void formatsAnXferlogLineWithOneFieldPerName() {
        TransferLog.Entry e = new TransferLog.Entry(ZonedDateTime.of(2026, 1, 5, 9, 8, 7, 0, ZoneOffset.UTC), 3,
                "127.0.0.1", 1234, "/srv/a b\tc\u007fd\u0001e.txt", false, 'i', 'r', "alice", true);
        assertEquals("Mon Jan 05 09:08:07 2026 3 127.0.0.1 1234 /srv/a_b_c_d_e.txt b _ i r alice ftp 0 * c",
                TransferLog.format(e));
    }
}

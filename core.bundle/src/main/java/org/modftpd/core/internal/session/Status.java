package org.modftpd.core.internal.session;

import java.util.ArrayList;
import java.util.List;
import org.modftpd.core.internal.protocol.Addresses;
import org.modftpd.core.internal.protocol.Reply;
import org.modftpd.core.internal.protocol.Addresses;

/** The 211 reply of STAT without an argument. */
public final class Status {

    private Status() {
    }

    public static List<Reply> lines(SessionImpl s) {
        List<Reply> r = new ArrayList<>();
        String ip = Addresses.text(s.remoteAddress().getAddress());
        r.add(new Reply(211, "Status of '" + s.server().name() + "'"));
        r.add(new Reply(211, "Connected from " + ip + " (" + ip + ")"));
        s.identity().ifPresent(id -> r.add(new Reply(211, "Logged in as " + id.name())));
        r.add(new Reply(211, "TYPE: " + (s.ascii() ? "ASCII" : "BINARY") + ", STRUcture: File, Mode: Stream"));
        if (s.bytesTransferred() > 0) {
            r.add(new Reply(211, "Total bytes transferred for session: " + s.bytesTransferred()));
        }
        TransferControl t = s.currentTransfer();
        if (t == null) {
            r.add(new Reply(211, "No data connection"));
        } else {
            r.add(new Reply(211, "Data transfer in progress"));
            r.add(new Reply(211, t.command() + " " + t.clientPath() + " ("
                    + (t.expectedBytes() >= 0 ? t.expectedBytes() + "/" : "") + t.bytes() + ")"));
        }
        r.add(new Reply(211, "End of status"));
        return r;
    }
}

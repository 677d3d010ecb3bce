package org.modftpd.core.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressesTest {

    private static String text(String literal) throws Exception {
        return Addresses.text(InetAddress.getByName(literal));
    }

    @Test
    void ipv4IsUnchanged() throws Exception {
        assertEquals("127.0.0.1", text("127.0.0.1"));
    }

    @Test
    void ipv6IsCompressedAsGetnameinfoPrintsIt() throws Exception {
        assertEquals("::1", text("0:0:0:0:0:0:0:1"));
        assertEquals("::", text("0:0:0:0:0:0:0:0"));
        assertEquals("2001:db8::a:5", text("2001:0db8:0:0:0:0:a:5"));
        assertEquals("2001:db8:0:1:1:1:1:1", text("2001:db8:0:1:1:1:1:1"));
        assertEquals("2001:0:0:1::1", text("2001:0:0:1:0:0:0:1"));
        assertEquals("2001:db8::1:0:0:1", text("2001:db8:0:0:1:0:0:1"));
        assertEquals("fe80::1", text("FE80:0:0:0:0:0:0:1"));
    }
}

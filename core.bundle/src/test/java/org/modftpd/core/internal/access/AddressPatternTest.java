package org.modftpd.core.internal.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class AddressPatternTest {

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean m(String rule, String address) {
        return AddressPattern.parse(rule).matches(ip(address), null);
    }

    private static boolean m(String rule, String address, String host) {
        return AddressPattern.parse(rule).matches(ip(address), host);
    }

    private static String error(String rule) {
        return assertThrows(IllegalArgumentException.class, () -> AddressPattern.parse(rule)).getMessage();
    }

    @Test
    void allAndNone() {
        assertTrue(m("all", "10.0.0.1"));
        assertTrue(m("ALL", "::1"));
        assertFalse(m("none", "10.0.0.1"));
        assertFalse(m("NONE", "::1"));
        assertFalse(m("!all", "10.0.0.1"));
        assertTrue(m("!none", "10.0.0.1"));
    }

    @Test
    void singleIpv4Address() {
        assertTrue(m("10.1.2.3", "10.1.2.3"));
        assertFalse(m("10.1.2.3", "10.1.2.4"));
        assertFalse(m("10.1.2.3", "::ffff:10.1.2.4"));
        assertTrue(m("10.1.2.3", "::ffff:10.1.2.3"), "an IPv4-mapped client address is its IPv4 address");
    }

    @Test
    void ipv4Cidr() {
        assertTrue(m("10.1.0.0/16", "10.1.255.255"));
        assertFalse(m("10.1.0.0/16", "10.2.0.0"));
        assertTrue(m("10.1.2.128/25", "10.1.2.128"));
        assertTrue(m("10.1.2.128/25", "10.1.2.255"));
        assertFalse(m("10.1.2.128/25", "10.1.2.127"));
        assertTrue(m("0.0.0.0/0", "203.0.113.9"));
        assertFalse(m("0.0.0.0/0", "2001:db8::1"));
        assertTrue(m("10.1.2.3/32", "10.1.2.3"));
        assertFalse(m("10.1.2.3/32", "10.1.2.2"));
    }

    @Test
    void ipv4Netmask() {
        assertTrue(m("10.0.0.0/255.0.0.0", "10.200.1.1"));
        assertFalse(m("10.0.0.0/255.0.0.0", "11.0.0.1"));
        assertTrue(m("192.168.1.0/255.255.255.0", "192.168.1.77"));
    }

    @Test
    void ipv4PrefixEndingInADot() {
        assertTrue(m("10.1.1.", "10.1.1.200"));
        assertFalse(m("10.1.1.", "10.1.10.1"));
        assertFalse(m("10.1.1.", "10.1.11.1"));
        assertTrue(m("10.", "10.99.0.1"));
        assertFalse(m("10.", "100.0.0.1"));
        assertTrue(m("192.168.", "192.168.7.7"));
    }

    @Test
    void ipv6AddressesAndNetworks() {
        assertTrue(m("2001:db8::1", "2001:db8:0:0:0:0:0:1"));
        assertTrue(m("[2001:db8::1]", "2001:db8::1"));
        assertFalse(m("2001:db8::1", "2001:db8::2"));
        assertTrue(m("2001:db8::/32", "2001:db8:ffff::1"));
        assertFalse(m("2001:db8::/32", "2001:db9::1"));
        assertTrue(m("[2001:db8::]/32", "2001:db8::5"));
        assertTrue(m("::1", "::1"));
        assertFalse(m("::1", "127.0.0.1"));
        assertFalse(m("2001:db8::/32", "10.0.0.1"));
    }

    @Test
    void negation() {
        assertTrue(m("!10.0.0.0/8", "192.168.1.1"));
        assertFalse(m("!10.0.0.0/8", "10.1.1.1"));
        assertTrue(AddressPattern.parse("!10.0.0.0/8").negated());
        assertTrue(AddressPattern.parse("!10.0.0.0/8").matchesPositive(ip("10.1.1.1"), null));
        assertFalse(AddressPattern.parse("10.0.0.0/8").negated());
    }

    @Test
    void namesNeedTheReverseDnsName() {
        assertTrue(m(".example.com", "10.0.0.1", "ftp.example.com"));
        assertTrue(m(".example.com", "10.0.0.1", "FTP.Example.COM"));
        assertFalse(m(".example.com", "10.0.0.1", "example.com"));
        assertFalse(m(".example.com", "10.0.0.1", "ftp.example.com.evil.org"));
        assertFalse(m(".example.com", "10.0.0.1", null));
        assertTrue(m("*.example.com", "10.0.0.1", "a.b.example.com"));
        assertFalse(m("*.example.com", "10.0.0.1", "example.com"));
        assertTrue(m("ftp?.example.com", "10.0.0.1", "ftp1.example.com"));
        assertFalse(m("ftp?.example.com", "10.0.0.1", "ftpxexample.com"), "the dot is literal");
        assertTrue(m("host.example.com", "10.0.0.1", "HOST.example.com"));
        assertFalse(m("host.example.com", "10.0.0.1", "xhost.example.com"));
        assertFalse(m("host.example.com", "10.0.0.1", null));
        assertTrue(m("!.example.com", "10.0.0.1", null), "an unknown name is not in the domain");
        assertTrue(AddressPattern.parse(".example.com").needsName());
        assertTrue(AddressPattern.parse("*.example.com").needsName());
        assertFalse(AddressPattern.parse("10.0.0.0/8").needsName());
        assertFalse(AddressPattern.parse("10.1.").needsName());
        assertFalse(AddressPattern.parse("all").needsName());
    }

    @Test
    void malformedRules() {
        assertEquals("empty address rule", error(""));
        assertEquals("empty address rule", error("!"));
        assertEquals("empty address rule", error("  "));
        assertEquals("'10.0.0.0/33' has a prefix length out of range", error("10.0.0.0/33"));
        assertEquals("'2001:db8::/129' has a prefix length out of range", error("2001:db8::/129"));
        assertEquals("'10.0.0.0/-1' has a prefix length out of range", error("10.0.0.0/-1"));
        assertEquals("'10.0.0.0/x' has a bad prefix length", error("10.0.0.0/x"));
        assertEquals("'10.0.0.0/255.0.0' has a bad netmask", error("10.0.0.0/255.0.0"));
        assertEquals("'example.com/8' is not a network address", error("example.com/8"));
        assertEquals("'300.1.1.' is not an address prefix", error("300.1.1."));
        assertEquals("'1.2.3.4.5.' is not an address prefix", error("1.2.3.4.5."));
        assertEquals("'10.0.0.256' is not a valid IPv4 address", error("10.0.0.256"), "a typo must not fail open");
        assertEquals("'10.1.1' is not a valid IPv4 address", error("10.1.1"));
        assertEquals("'2001:db8::zz' is not a valid IPv6 address", error("2001:db8::zz"));
    }

    @Test
    void toStringIsTheRuleAsWritten() {
        assertEquals("!10.0.0.0/8", AddressPattern.parse("!10.0.0.0/8").toString());
    }
}

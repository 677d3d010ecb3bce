package org.modftpd.core.internal.access;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One address rule as ProFTPD writes them in {@code Allow from}, {@code Deny from} and {@code From}:
 * {@code all}, {@code none}, an IPv4 or IPv6 address, a network in CIDR form, an IPv4 prefix ending in
 * a dot ({@code 10.1.1.}), a domain suffix starting with a dot ({@code .example.com}), or a DNS glob;
 * a leading {@code !} negates it. Name rules need the client's reverse-DNS name.
 */
public final class AddressPattern {

    private enum Kind { ALL, NONE, NETWORK, PREFIX, DOMAIN, GLOB }

    private final String text;
    private final boolean negated;
    private final Kind kind;
    private final byte[] network;
    private final int prefixBits;
    private final String name;
    private final Pattern glob;

    private AddressPattern(String text, boolean negated, Kind kind, byte[] network, int prefixBits, String name,
            Pattern glob) {
        this.text = text;
        this.negated = negated;
        this.kind = kind;
        this.network = network;
        this.prefixBits = prefixBits;
        this.name = name;
        this.glob = glob;
    }

    /** Parses one rule; throws {@link IllegalArgumentException} with a message for a malformed one. */
    public static AddressPattern parse(String text) {
        String t = text.strip();
        boolean negated = t.startsWith("!");
        if (negated) {
            t = t.substring(1);
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty address rule");
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("all")) {
            return new AddressPattern(text, negated, Kind.ALL, null, 0, null, null);
        }
        if (lower.equals("none")) {
            return new AddressPattern(text, negated, Kind.NONE, null, 0, null, null);
        }
        if (lower.startsWith("[") && lower.endsWith("]")) {
            lower = lower.substring(1, lower.length() - 1);
        }
        int slash = lower.indexOf('/');
        if (slash > 0) {
            byte[] addr = literal(lower.substring(0, slash));
            if (addr == null) {
                throw new IllegalArgumentException("'" + text + "' is not a network address");
            }
            int bits;
            String mask = lower.substring(slash + 1);
            if (mask.indexOf('.') >= 0) {
                byte[] m = literal(mask);
                if (m == null || m.length != 4) {
                    throw new IllegalArgumentException("'" + text + "' has a bad netmask");
                }
                bits = Integer.bitCount(((m[0] & 0xFF) << 24) | ((m[1] & 0xFF) << 16) | ((m[2] & 0xFF) << 8)
                        | (m[3] & 0xFF));
            } else {
                try {
                    bits = Integer.parseInt(mask);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + text + "' has a bad prefix length");
                }
            }
            if (bits < 0 || bits > addr.length * 8) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length out of range");
            }
            return new AddressPattern(text, negated, Kind.NETWORK, addr, bits, null, null);
        }
        if (lower.endsWith(".") && lower.matches("[0-9.]+")) {
            String[] parts = lower.split("\\.");
            byte[] addr = new byte[4];
            for (int i = 0; i < parts.length; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255 || i > 3) {
                    throw new IllegalArgumentException("'" + text + "' is not an address prefix");
                }
                addr[i] = (byte) v;
            }
            return new AddressPattern(text, negated, Kind.PREFIX, addr, parts.length * 8, null, null);
        }
        byte[] addr = literal(lower);
        if (addr != null) {
            return new AddressPattern(text, negated, Kind.NETWORK, addr, addr.length * 8, null, null);
        }
        if (lower.matches("[0-9.]+")) {
            throw new IllegalArgumentException("'" + text + "' is not a valid IPv4 address");
        }
        if (lower.indexOf(':') >= 0) {
            throw new IllegalArgumentException("'" + text + "' is not a valid IPv6 address");
        }
        if (lower.startsWith(".")) {
            return new AddressPattern(text, negated, Kind.DOMAIN, null, 0, lower, null);
        }
        if (lower.indexOf('*') >= 0 || lower.indexOf('?') >= 0) {
            String regex = lower.replace(".", "\\.").replace("*", ".*").replace("?", ".");
            return new AddressPattern(text, negated, Kind.GLOB, null, 0, null, Pattern.compile(regex));
        }
        return new AddressPattern(text, negated, Kind.GLOB, null, 0, null, Pattern.compile(Pattern.quote(lower)));
    }

    private static byte[] literal(String text) {
        String s = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean v6 = s.indexOf(':') >= 0 && s.matches("[0-9a-f:.]+");
        if (s.isEmpty() || !(v6 || s.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}"))) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    public boolean negated() {
        return negated;
    }

    /** Whether the rule needs a reverse-DNS name to be decided. */
    public boolean needsName() {
        return kind == Kind.DOMAIN || kind == Kind.GLOB;
    }

    /**
     * Whether the client matches, before negation is applied.
     *
     * @param hostName the reverse-DNS name, or null when none is known (name rules then never match)
     */
    public boolean matchesPositive(InetAddress address, String hostName) {
        return switch (kind) {
            case ALL -> true;
            case NONE -> false;
            case NETWORK, PREFIX -> inNetwork(address);
            case DOMAIN -> hostName != null && hostName.toLowerCase(Locale.ROOT).endsWith(name);
            case GLOB -> hostName != null && glob.matcher(hostName.toLowerCase(Locale.ROOT)).matches();
        };
    }

    /** Whether the client matches, negation applied. */
    public boolean matches(InetAddress address, String hostName) {
        return matchesPositive(address, hostName) != negated;
    }

    private boolean inNetwork(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            if (address instanceof Inet4Address || network.length != 4) {
                return false;
            }
            return false;
        }
        int full = prefixBits / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixBits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (a[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }
}

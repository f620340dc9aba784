package dev.lanyard.policies.builtins;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** {@code net.cidr_contains(cidr, cidr_or_ip)} for IPv4 and IPv6 literals (never a name lookup). */
final class Cidr {
    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final java.util.regex.Pattern IPV6 = java.util.regex.Pattern.compile("[0-9a-fA-F:.]+");
    private static final java.util.regex.Pattern PREFIX = java.util.regex.Pattern.compile("\\d{1,3}");

    /**
     * Parsed networks by their text: policies test requests against the same few configured networks on every
     * decision. Bounded; dropped whole when full (a policy matching against request-supplied CIDRs keeps working).
     */
    private static final java.util.Map<String, Range> NETWORKS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_CACHED = 1024;

    private Cidr() {}

    /** A network as [first, last] address with its family width in bits. */
    record Range(BigInteger first, BigInteger last, int bits) {}

    static Object contains(Object cidr, Object other) {
        Range net = network(Values.string(cidr));
        String o = Values.string(other);
        Range r = o.indexOf('/') >= 0 ? parseCidr(o) : single(o);
        if (r.bits != net.bits) {
            return false;
        }
        return net.first.compareTo(r.first) <= 0 && net.last.compareTo(r.last) >= 0;
    }

    private static Range network(String s) {
        Range r = NETWORKS.get(s);
        if (r == null) {
            r = parseCidr(s);
            if (NETWORKS.size() >= MAX_CACHED) {
                NETWORKS.clear();
            }
            NETWORKS.put(s, r);
        }
        return r;
    }

    static Range parseCidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new BuiltinError("invalid CIDR address: " + s);
        }
        byte[] addr = parseIp(s.substring(0, slash));
        int bits = addr.length * 8;
        String len = s.substring(slash + 1);
        if (!PREFIX.matcher(len).matches()) {
            throw new BuiltinError("invalid CIDR address: " + s);
        }
        int prefix = Integer.parseInt(len);
        if (prefix > bits) {
            throw new BuiltinError("invalid CIDR address: " + s);
        }
        BigInteger a = new BigInteger(1, addr);
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
        BigInteger first = a.andNot(hostMask);
        return new Range(first, first.or(hostMask), bits);
    }

    private static Range single(String ip) {
        byte[] addr = parseIp(ip);
        BigInteger a = new BigInteger(1, addr);
        return new Range(a, a, addr.length * 8);
    }

    static byte[] parseIp(String s) {
        if (IPV4.matcher(s).matches()) {
            String[] parts = s.split("\\.", -1);
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255 || (parts[i].length() > 1 && parts[i].startsWith("0"))) {
                    throw new BuiltinError("invalid IP address: " + s);
                }
                b[i] = (byte) v;
            }
            return b;
        }
        if (s.indexOf(':') >= 0 && IPV6.matcher(s).matches()) {
            try {
                // a literal (checked above), so no name lookup happens; IPv4-mapped forms come back as 4 bytes
                return InetAddress.getByName(s).getAddress();
            } catch (UnknownHostException e) {
                throw new BuiltinError("invalid IP address: " + s);
            }
        }
        throw new BuiltinError("invalid IP address: " + s);
    }
}

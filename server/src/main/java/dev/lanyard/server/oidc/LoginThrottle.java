package dev.lanyard.server.oidc;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed sign-in attempts per login and per client address in a sliding window; over the limit, further attempts are
 * refused without checking the password. In memory, per instance: a restart forgets, and with several instances an
 * attacker gets the limit once per instance — acceptable for slowing guessing, not a lockout policy.
 */
final class LoginThrottle {
    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final int MAX_TRACKED = 100_000;
    private final int maxPerLogin;
    private final int maxPerIp;
    private final ConcurrentHashMap<String, ArrayDeque<Long>> failures = new ConcurrentHashMap<>();

    LoginThrottle(int maxPerLogin, int maxPerIp) {
        this.maxPerLogin = maxPerLogin;
        this.maxPerIp = maxPerIp;
    }

    /** Why attempts are refused now ("login" or "ip"), or null when they may go ahead. */
    String limited(String login, String ip) {
        long now = System.nanoTime();
        if (count(loginKey(login), now) >= maxPerLogin) {
            return "login";
        }
        if (ip != null && count("ip:" + ip, now) >= maxPerIp) {
            return "ip";
        }
        return null;
    }

    void failed(String login, String ip) {
        long now = System.nanoTime();
        if (failures.size() > MAX_TRACKED) {
            failures.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    prune(e.getValue(), now);
                    return e.getValue().isEmpty();
                }
            });
        }
        add(loginKey(login), now);
        if (ip != null) {
            add("ip:" + ip, now);
        }
    }

    void succeeded(String login) {
        failures.remove(loginKey(login));
    }

    private static String loginKey(String login) {
        return "login:" + login.toLowerCase(Locale.ROOT);
    }

    private void add(String key, long now) {
        ArrayDeque<Long> q = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (q) {
            prune(q, now);
            q.addLast(now);
        }
    }

    private int count(String key, long now) {
        ArrayDeque<Long> q = failures.get(key);
        if (q == null) {
            return 0;
        }
        synchronized (q) {
            prune(q, now);
            return q.size();
        }
    }

    private static void prune(ArrayDeque<Long> q, long now) {
        long horizon = now - WINDOW.toNanos();
        while (!q.isEmpty() && q.peekFirst() - horizon < 0) {
            q.removeFirst();
        }
    }
}

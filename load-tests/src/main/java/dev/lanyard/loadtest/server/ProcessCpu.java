package dev.lanyard.loadtest.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** CPU time consumed so far by processes, as the OS reports it (on Linux from /proc/pid/stat). */
public final class ProcessCpu {

    private ProcessCpu() {
    }

    public static Duration self() {
        return of(ProcessHandle.current());
    }

    public static Duration of(ProcessHandle p) {
        return p.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /**
     * CPU time all processes on the machine have used since boot (user, nice, system, irq, softirq, steal from
     * {@code /proc/stat}); zero where that file does not exist. Compared with our two processes it shows how much
     * other work competed for the cores during a run.
     */
    public static Duration machineBusy() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    long ticks = 0;
                    for (int i : new int[]{1, 2, 3, 6, 7, 8}) {
                        ticks += Long.parseLong(f[i]);
                    }
                    // USER_HZ is 100 on every Linux architecture the JDK runs on.
                    return Duration.ofMillis(ticks * 10);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: report no machine-wide figure.
        }
        return Duration.ZERO;
    }

    /** Sum over the given processes and all their descendants, each counted once. */
    public static Duration ofTrees(Collection<ProcessHandle> roots) {
        Set<Long> seen = new HashSet<>();
        Duration total = Duration.ZERO;
        for (ProcessHandle root : roots) {
            if (seen.add(root.pid())) {
                total = total.plus(of(root));
            }
            for (ProcessHandle d : (Iterable<ProcessHandle>) root.descendants()::iterator) {
                if (seen.add(d.pid())) {
                    total = total.plus(of(d));
                }
            }
        }
        return total;
    }
}

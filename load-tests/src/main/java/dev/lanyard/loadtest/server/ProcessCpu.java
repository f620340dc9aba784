package dev.lanyard.loadtest.server;

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

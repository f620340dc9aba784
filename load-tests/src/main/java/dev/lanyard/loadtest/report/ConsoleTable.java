package dev.lanyard.loadtest.report;

import dev.lanyard.loadtest.engine.LatencySummary;
import dev.lanyard.loadtest.engine.LoadResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The plain-text summary printed at the end of a run. */
public final class ConsoleTable {

    private ConsoleTable() {
    }

    public static String render(RunReport report) {
        List<String[]> rows = new ArrayList<>();
        String ratioHeader = report.baseline() == null ? "ratio" : "vs " + report.baseline();
        rows.add(new String[]{"scenario", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "non-2xx", "errors", ratioHeader, "cpu gen/srv/other"});
        for (LoadResult r : report.results()) {
            LatencySummary l = r.latency();
            rows.add(new String[]{r.scenario(), fmt("%.0f", r.throughput()), fmt("%.3f", l.p50Ms()), fmt("%.3f", l.p90Ms()),
                    fmt("%.3f", l.p99Ms()), fmt("%.3f", l.maxMs()), String.valueOf(r.nonSuccess()),
                    String.valueOf(r.failures()),
                    report.throughputRatio(r).map(x -> fmt("%.3f", x)).orElse("-"),
                    cpu(report.cpu().get(r.scenario()))});
        }
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < rows.size(); n++) {
            String[] row = rows.get(n);
            for (int i = 0; i < row.length; i++) {
                String cell = i == 0 ? pad(row[i], width[i], false) : pad(row[i], width[i], true);
                out.append(i == 0 ? "" : "  ").append(cell);
            }
            out.append('\n');
            if (n == 0) {
                out.append("-".repeat(out.length() - 1)).append('\n');
            }
        }
        return out.toString();
    }

    public static String cpu(CpuShare c) {
        return c == null ? "-" : fmt("%.2f", c.generatorCores()) + "/" + fmt("%.2f", c.serverCores())
                + "/" + (Double.isNaN(c.otherCores()) ? "?" : fmt("%.2f", c.otherCores()));
    }

    private static String pad(String s, int width, boolean right) {
        String spaces = " ".repeat(Math.max(0, width - s.length()));
        return right ? spaces + s : s + spaces;
    }

    private static String fmt(String pattern, double v) {
        return String.format(Locale.ROOT, pattern, v);
    }
}

package dev.lanyard.loadtest.report;

import dev.lanyard.loadtest.engine.LatencySummary;
import dev.lanyard.loadtest.engine.LoadResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, no scripts, no external resources, since the
 * machines that read it have no internet). The markup is kept XML-well-formed so that tests can parse it.
 *
 * <p>The chart is the usual HdrHistogram percentile plot: the x axis is {@code log10(1 / (1 - p))}, which gives
 * 90%, 99%, 99.9% ... equal room, so the tail is visible next to the median.
 */
public final class HtmlReport {

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};
    private static final int WIDTH = 860;
    private static final int HEIGHT = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 180;
    private static final int TOP = 20;
    private static final int BOTTOM = 50;

    private HtmlReport() {
    }

    public static void write(RunReport report, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, render(report), StandardCharsets.UTF_8);
    }

    public static String render(RunReport report) {
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<title>Lanyard load test ").append(esc(report.date().toString())).append("</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
                .append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}")
                .append("th{background:#f3f3f3}.meta td{text-align:left}svg text{font-size:12px;fill:#333}</style>\n")
                .append("</head>\n<body>\n<h1>Lanyard load test</h1>\n");
        meta(h, report);
        h.append("<h2>Latency by percentile</h2>\n");
        chart(h, report.results());
        h.append("<p>Latency of successful requests to the last response byte, ")
                .append(report.settings().mode().label().equals("rate")
                        ? "charged from each request's intended send time (constant rate, corrected for coordinated omission)."
                        : "from the moment each request was sent (closed loop).")
                .append(" Logarithmic latency axis.</p>\n<h2>Results</h2>\n");
        results(h, report);
        if (!report.failures().isEmpty()) {
            h.append("<h2>Not measured</h2>\n<table>\n");
            report.failures().forEach((name, why) -> row(h, name, why));
            h.append("</table>\n");
        }
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void meta(StringBuilder h, RunReport r) {
        h.append("<table class=\"meta\">\n");
        row(h, "date", r.date().toString());
        row(h, "machine", r.machine().cores() + " cores, " + (r.machine().memoryBytes() >> 20) + " MiB, "
                + r.machine().cpuModel() + ", " + r.machine().os() + ", load average " + r.machine().loadAverage());
        row(h, "generator", r.generatorJava().label() + ", " + r.generatorEventLoops() + " event loop(s)");
        if (r.server() != null) {
            row(h, "server", r.server().jar() + " on " + r.server().java().label());
            row(h, "server start to ready", r.server().startToReadyMillis() + " ms");
        }
        String settings = r.settings().mode().label() + ", concurrency " + r.settings().concurrency()
                + (r.settings().ratePerSecond() > 0 ? ", rate " + num(r.settings().ratePerSecond()) + "/s" : "")
                + ", warm-up " + r.settings().warmup().toMillis() / 1000.0 + " s, measured " + r.settings().duration().toMillis() / 1000.0 + " s";
        row(h, "settings", settings);
        h.append("</table>\n");
    }

    private static void row(StringBuilder h, String key, String value) {
        h.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static void results(StringBuilder h, RunReport report) {
        String ratio = report.baseline() == null ? "ratio" : "throughput vs " + report.baseline();
        h.append("<table>\n<tr><th>scenario</th><th>request</th><th>req/s</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th>")
                .append("<th>p99.9 ms</th><th>max ms</th><th>non-2xx</th><th>errors</th><th>").append(esc(ratio))
                .append("</th><th>CPU cores generator/server/other</th></tr>\n");
        for (LoadResult r : report.results()) {
            LatencySummary l = r.latency();
            h.append("<tr><td>").append(esc(r.scenario())).append("</td><td>").append(esc(r.method() + " " + r.path()))
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.0f", r.throughput()))
                    .append("</td><td>").append(ms(l.p50Ms())).append("</td><td>").append(ms(l.p90Ms()))
                    .append("</td><td>").append(ms(l.p99Ms())).append("</td><td>").append(ms(l.p999Ms()))
                    .append("</td><td>").append(ms(l.maxMs()))
                    .append("</td><td>").append(esc(statuses(r)))
                    .append("</td><td>").append(esc(errors(r)))
                    .append("</td><td>").append(report.throughputRatio(r).map(x -> String.format(Locale.ROOT, "%.3f", x)).orElse("-"))
                    .append("</td><td>").append(ConsoleTable.cpu(report.cpu().get(r.scenario())))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static String statuses(LoadResult r) {
        if (r.nonSuccessStatuses().isEmpty()) {
            return "0";
        }
        StringBuilder s = new StringBuilder();
        r.nonSuccessStatuses().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> s.append(s.length() == 0 ? "" : ", ").append(e.getKey()).append(": ").append(e.getValue()));
        return s.toString();
    }

    private static String errors(LoadResult r) {
        if (r.errors().isEmpty()) {
            return "0";
        }
        StringBuilder s = new StringBuilder();
        r.errors().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> s.append(s.length() == 0 ? "" : ", ").append(e.getKey().label()).append(": ").append(e.getValue()));
        return s.toString();
    }

    private static void chart(StringBuilder h, List<LoadResult> results) {
        double maxX = 2; // always show at least up to p99
        double minY = Double.MAX_VALUE;
        double maxY = 0;
        for (LoadResult r : results) {
            for (LatencySummary.CurvePoint p : r.latency().curve()) {
                if (p.percentile() < 100) {
                    maxX = Math.max(maxX, x(p.percentile()));
                }
                maxY = Math.max(maxY, p.valueMs());
                minY = Math.min(minY, p.valueMs());
            }
        }
        maxX = Math.min(6, Math.ceil(maxX));
        // Log scale in decades: medians around 1 ms and maxima around 1 s both stay readable.
        int lowDecade = maxY == 0 ? -1 : (int) Math.floor(Math.log10(Math.max(0.001, minY)));
        int highDecade = maxY == 0 ? 1 : Math.max(lowDecade + 1, (int) Math.ceil(Math.log10(Math.max(0.001, maxY))));
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        h.append("<svg width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(HEIGHT).append("\" role=\"img\" aria-label=\"latency by percentile\">\n")
                .append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(plotW)
                .append("\" height=\"").append(plotH).append("\" fill=\"none\" stroke=\"#999\"/>\n");
        for (int i = 0; i <= maxX; i++) {
            double px = LEFT + plotW * i / maxX;
            h.append("<line x1=\"").append(num(px)).append("\" y1=\"").append(TOP).append("\" x2=\"").append(num(px))
                    .append("\" y2=\"").append(TOP + plotH).append("\" stroke=\"#e5e5e5\"/>\n")
                    .append("<text x=\"").append(num(px)).append("\" y=\"").append(TOP + plotH + 18)
                    .append("\" text-anchor=\"middle\">").append(esc(percentileLabel(i))).append("</text>\n");
        }
        for (int d = lowDecade; d <= highDecade; d++) {
            double py = yPixel(Math.pow(10, d), lowDecade, highDecade, plotH);
            h.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(num(py)).append("\" x2=\"").append(LEFT + plotW)
                    .append("\" y2=\"").append(num(py)).append("\" stroke=\"#e5e5e5\"/>\n")
                    .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(num(py + 4))
                    .append("\" text-anchor=\"end\">").append(decadeLabel(d)).append("</text>\n");
        }
        h.append("<text x=\"").append(LEFT + plotW / 2).append("\" y=\"").append(HEIGHT - 8)
                .append("\" text-anchor=\"middle\">percentile</text>\n")
                .append("<text x=\"16\" y=\"").append(TOP + plotH / 2).append("\" text-anchor=\"middle\" transform=\"rotate(-90 16 ")
                .append(TOP + plotH / 2).append(")\">latency (ms)</text>\n");
        for (int s = 0; s < results.size(); s++) {
            LoadResult r = results.get(s);
            String color = COLORS[s % COLORS.length];
            StringBuilder points = new StringBuilder();
            for (LatencySummary.CurvePoint p : r.latency().curve()) {
                double xv = p.percentile() >= 100 ? maxX : Math.min(maxX, x(p.percentile()));
                double px = LEFT + plotW * xv / maxX;
                double py = yPixel(p.valueMs(), lowDecade, highDecade, plotH);
                points.append(points.length() == 0 ? "" : " ").append(num(px)).append(',').append(num(py));
            }
            h.append("<polyline class=\"series\" data-scenario=\"").append(esc(r.scenario())).append("\" fill=\"none\" stroke=\"")
                    .append(color).append("\" stroke-width=\"2\" points=\"").append(points).append("\"/>\n");
            int ly = TOP + 10 + s * 20;
            h.append("<line x1=\"").append(LEFT + plotW + 12).append("\" y1=\"").append(ly).append("\" x2=\"")
                    .append(LEFT + plotW + 32).append("\" y2=\"").append(ly).append("\" stroke=\"").append(color)
                    .append("\" stroke-width=\"3\"/>\n<text x=\"").append(LEFT + plotW + 38).append("\" y=\"").append(ly + 4)
                    .append("\">").append(esc(r.scenario())).append("</text>\n");
        }
        h.append("</svg>\n");
    }

    private static double yPixel(double ms, int lowDecade, int highDecade, int plotH) {
        double v = Math.log10(Math.max(Math.pow(10, lowDecade), ms));
        return TOP + plotH - plotH * (v - lowDecade) / (highDecade - lowDecade);
    }

    private static String decadeLabel(int decade) {
        return decade >= 0 ? String.valueOf((long) Math.pow(10, decade)) : String.format(Locale.ROOT, "%." + (-decade) + "f", Math.pow(10, decade));
    }

    private static double x(double percentile) {
        return Math.log10(1 / (1 - percentile / 100.0));
    }

    private static String percentileLabel(int decade) {
        return new String[]{"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"}[decade];
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String ms(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.3f", v);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}

package dev.lanyard.loadtest.engine;

/** How requests are paced. */
public enum LoadMode {
    /** N clients, each sending its next request as soon as the previous one answers. Finds the throughput ceiling. */
    CLOSED,
    /**
     * A fixed timetable of R requests per second, independent of how fast the server answers. Latency is charged
     * from each request's intended send time, so a stalled server cannot hide the requests it delayed.
     */
    RATE;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

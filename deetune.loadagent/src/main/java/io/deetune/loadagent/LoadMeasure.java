package io.deetune.loadagent;

import java.io.IOException;

/** One way to tell how busy this host is. */
interface LoadMeasure {

    /**
     * How busy the host is now, from 0 (idle) to 1 (saturated); for a measure over an interval, the interval since
     * the previous call.
     */
    double busyShare() throws IOException;

    /** What is measured, for the startup line ({@code "cpu (/proc/stat)"}). */
    String describe();
}

package monet.host;

import java.time.Duration;

/**
 * When to ask SSM again whether a command has finished. The first check comes
 * {@value #FIRST_MS} ms after sending; then the delay grows by half each time, up to
 * {@value #BRISK_CAP_MS} ms while the command is young (most finish within seconds, and a finished
 * command should be noticed within a quarter second), and up to 1 s after
 * {@value #BRISK_SECONDS} s. A throttled call doubles the delay, up to {@value #THROTTLED_CAP_MS} ms,
 * until a call succeeds again.
 */
final class PollSchedule {
    static final long FIRST_MS = 50;
    static final long BRISK_CAP_MS = 250;
    static final long BRISK_SECONDS = 10;
    static final long CAP_MS = 1000;
    static final long THROTTLED_CAP_MS = 10_000;
    private long lastMs;
    private boolean throttled;

    /** The delay before the next check, given the time since sending and whether the last call was throttled. */
    Duration next(Duration sinceSent, boolean lastCallThrottled) {
        if (lastCallThrottled) {
            lastMs = Math.min(THROTTLED_CAP_MS, Math.max(CAP_MS, lastMs * 2));
            throttled = true;
        } else if (lastMs == 0) {
            lastMs = FIRST_MS;
        } else {
            long cap = sinceSent.toSeconds() < BRISK_SECONDS ? BRISK_CAP_MS : CAP_MS;
            if (throttled) {
                lastMs = Math.max(cap, lastMs / 2);
                throttled = lastMs > cap;
            } else {
                lastMs = Math.min(cap, Math.max(100, lastMs * 3 / 2));
            }
        }
        return Duration.ofMillis(lastMs);
    }
}

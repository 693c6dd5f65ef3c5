package monet.pipeline;

import java.time.Duration;

/**
 * How long to wait before attempt n+1: {@code exponential(100ms, 1s)} waits 100, 200, 400, 800,
 * 1000, 1000 ... milliseconds. Immutable.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;

    private Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= initial <= max, got " + initial + ", " + max);
        }
        this.initial = initial;
        this.max = max;
    }

    /** Doubles from {@code initial} up to {@code max} (the same delay every time when they are equal). */
    public static Backoff exponential(Duration initial, Duration max) {
        return new Backoff(initial, max);
    }

    /** The delay after the given attempt (1 = after the first). */
    Duration delay(int attempt) {
        double nanos = initial.toNanos() * Math.pow(2, Math.max(0, attempt - 1));
        return Duration.ofNanos((long) Math.min(nanos, max.toNanos()));
    }

    @Override
    public String toString() {
        return initial.equals(max) ? "every " + initial.toMillis() + "ms" : "backoff " + initial.toMillis() + "ms→" + max.toMillis() + "ms";
    }
}

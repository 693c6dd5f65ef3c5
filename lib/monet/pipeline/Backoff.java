package monet.pipeline;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before attempt n+1. {@code exponential(100ms, 1s)} waits 100, 200, 400, 800,
 * 1000, 1000 ... milliseconds; {@link #withJitter()} spreads each delay over its lower half so
 * that many clients do not retry in step.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final double factor;
    private final boolean jitter;

    private Backoff(Duration initial, Duration max, double factor, boolean jitter) {
        if (initial.isNegative() || max.compareTo(initial) < 0 || factor < 1) {
            throw new IllegalArgumentException("backoff needs 0 <= initial <= max and factor >= 1, got "
                    + initial + ", " + max + ", " + factor);
        }
        this.initial = initial;
        this.max = max;
        this.factor = factor;
        this.jitter = jitter;
    }

    /** Doubles from {@code initial} up to {@code max}. */
    public static Backoff exponential(Duration initial, Duration max) {
        return new Backoff(initial, max, 2, false);
    }

    /** The same delay every time. */
    public static Backoff fixed(Duration delay) {
        return new Backoff(delay, delay, 1, false);
    }

    /** This backoff, with each delay drawn at random between half of it and all of it. */
    public Backoff withJitter() {
        return new Backoff(initial, max, factor, true);
    }

    /** This backoff with another growth factor (default 2 for {@link #exponential}). */
    public Backoff factor(double newFactor) {
        return new Backoff(initial, max, newFactor, jitter);
    }

    /** The delay after the given attempt (1 = after the first). */
    public Duration delay(int attempt) {
        double nanos = initial.toNanos() * Math.pow(factor, Math.max(0, attempt - 1));
        long capped = (long) Math.min(nanos, max.toNanos());
        if (jitter && capped > 1) {
            capped = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        }
        return Duration.ofNanos(capped);
    }

    /** The longest delay this backoff ever waits. */
    public Duration max() {
        return max;
    }

    @Override
    public String toString() {
        return factor == 1 ? "every " + initial.toMillis() + "ms"
                : "backoff " + initial.toMillis() + "ms→" + max.toMillis() + "ms" + (jitter ? " with jitter" : "");
    }
}

package monet.pipeline;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Retrying a flaky action: {@code Retry.times(3).backoff(...).on(e -> ...).call(() -> ...)}.
 * Default: 3 attempts, exponential backoff from 1 s to 10 s with jitter, on every exception.
 */
public final class Retry {
    private final int attempts;
    private Backoff backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(10)).withJitter();
    private Predicate<Throwable> retryable = e -> true;
    private BiConsumer<Integer, Throwable> onRetry = (attempt, error) -> {};

    private Retry(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        this.attempts = attempts;
    }

    /** At most this many attempts in all (1 means no retry). */
    public static Retry times(int attempts) {
        return new Retry(attempts);
    }

    /** No retry: one attempt. */
    public static Retry none() {
        return new Retry(1);
    }

    /** The wait between attempts. Returns {@code this}. */
    public Retry backoff(Backoff delays) {
        this.backoff = delays;
        return this;
    }

    /** Only errors matching this are retried; others fail at once. Returns {@code this}. */
    public Retry on(Predicate<Throwable> condition) {
        this.retryable = condition;
        return this;
    }

    /** Called before each retry with the attempt that failed and its error. Returns {@code this}. */
    public Retry onRetry(BiConsumer<Integer, Throwable> listener) {
        this.onRetry = listener;
        return this;
    }

    public int attempts() {
        return attempts;
    }

    /** Runs the action until it succeeds, the error is not retryable, or attempts run out. */
    public <T> T call(Callable<T> action) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return action.call();
            } catch (Exception e) {
                if (attempt >= attempts || !retryable.test(e)) {
                    throw e;
                }
                onRetry.accept(attempt, e);
                Thread.sleep(backoff.delay(attempt).toMillis());
            }
        }
    }

    @Override
    public String toString() {
        return attempts == 1 ? "no retry" : "up to " + attempts + " attempts, " + backoff;
    }
}

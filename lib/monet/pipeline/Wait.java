package monet.pipeline;

import java.time.Duration;
import java.util.Optional;
import monet.console.Console;

/**
 * Waiting as a first-class thing: poll a probe with backoff until it yields a value or the
 * deadline passes.
 *
 * <pre>{@code
 * String version = Wait.until("api reports 1.2.3", attempt -> {
 *         String v = http.get("/api/version");
 *         attempt.note("answered " + v);
 *         return v.equals("1.2.3") ? Optional.of(v) : Optional.empty();
 *     })
 *     .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)))
 *     .deadline(Duration.ofMinutes(2))
 *     .await();
 * }</pre>
 * Defaults: backoff from 100 ms to 1 s, a deadline of 1 minute; an exception from the probe
 * ends the wait.
 *
 * @param <T> what the probe yields when the wait is over
 */
public final class Wait<T> {
    private final String what;
    private final Probe<T> probe;
    private Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1));
    private Duration deadline = Duration.ofMinutes(1);

    private Wait(String what, Probe<T> probe) {
        this.what = what;
        this.probe = probe;
    }

    /** Polls {@code probe} until it returns a value. */
    public static <T> Wait<T> until(String what, Probe<T> probe) {
        return new Wait<>(what, probe);
    }

    /** The delays between polls. Returns {@code this}. */
    public Wait<T> backoff(Backoff delays) {
        this.backoff = delays;
        return this;
    }

    /** How long to wait in all before failing. Returns {@code this}. */
    public Wait<T> deadline(Duration limit) {
        this.deadline = limit;
        return this;
    }

    /**
     * Polls until the probe yields, showing a live status line on a terminal.
     *
     * @throws WaitTimeoutException when the deadline passes first
     */
    public T await() throws Exception {
        Console console = Console.get();
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        Attempt attempt = new Attempt();
        try (Console.Status status = console.status("waiting: " + what)) {
            while (true) {
                attempt.number++;
                Optional<T> value = probe.poll(attempt);
                if (value.isPresent()) {
                    return value.get();
                }
                status.update("attempt " + attempt.number + (attempt.note == null ? "" : ", " + attempt.note));
                long now = System.nanoTime();
                if (now >= end) {
                    throw new WaitTimeoutException("timed out after " + Console.formatDuration(deadline)
                            + " waiting for " + what + " (" + attempt.number + " attempts"
                            + (attempt.note == null ? "" : "; last: " + attempt.note) + ")");
                }
                long sleep = Math.min(backoff.delay(attempt.number).toNanos(), end - now);
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            }
        }
    }

    /** One poll: returns the value when the wait is over, empty for "not yet". */
    @FunctionalInterface
    public interface Probe<T> {
        Optional<T> poll(Attempt attempt) throws Exception;
    }

    /** The state of a wait, for the probe to annotate. */
    public static final class Attempt {
        private int number;
        private String note;

        /** Records what the last poll saw: shown in progress and in the timeout message. */
        public void note(String state) {
            this.note = state;
        }
    }
}

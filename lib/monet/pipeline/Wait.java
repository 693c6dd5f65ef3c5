package monet.pipeline;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
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
 * Defaults: backoff from 100 ms to 1 s, a deadline of 1 minute, exceptions from the probe
 * propagate unless {@link #ignoring} says they mean "not yet".
 *
 * @param <T> what the probe yields when the wait is over
 */
public final class Wait<T> {
    private final String what;
    private final Probe<T> probe;
    private Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1));
    private Duration deadline = Duration.ofMinutes(1);
    private Predicate<Throwable> notYet = e -> false;
    private Consumer<Attempt> onAttempt = attempt -> {};

    private Wait(String what, Probe<T> probe) {
        this.what = what;
        this.probe = probe;
    }

    /** Polls {@code probe} until it returns a value. */
    public static <T> Wait<T> until(String what, Probe<T> probe) {
        return new Wait<>(what, probe);
    }

    /** Polls a yes/no condition. */
    public static Wait<Boolean> untilTrue(String what, Condition condition) {
        return new Wait<>(what, attempt -> condition.test(attempt) ? Optional.of(Boolean.TRUE) : Optional.empty());
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

    /** Exceptions matching this mean "not yet" rather than failure. Returns {@code this}. */
    public Wait<T> ignoring(Predicate<Throwable> condition) {
        this.notYet = condition;
        return this;
    }

    /** Called after every unsuccessful poll (for progress lines). Returns {@code this}. */
    public Wait<T> onAttempt(Consumer<Attempt> listener) {
        this.onAttempt = listener;
        return this;
    }

    /** What is awaited, as given to {@link #until}. */
    public String what() {
        return what;
    }

    public Duration deadline() {
        return deadline;
    }

    /**
     * Polls until the probe yields, showing a live status line on a terminal.
     *
     * @throws WaitTimeoutException when the deadline passes first
     */
    public T await() throws Exception {
        return await(Console.get());
    }

    /** {@link #await()}, showing progress on the given console (a pipeline step's own). */
    public T await(Console console) throws Exception {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        Attempt attempt = new Attempt(start);
        try (Console.Status status = console.status("waiting: " + what)) {
            while (true) {
                attempt.number++;
                try {
                    Optional<T> value = probe.poll(attempt);
                    if (value.isPresent()) {
                        return value.get();
                    }
                    attempt.lastError = null;
                } catch (Exception e) {
                    if (!notYet.test(e)) {
                        throw e;
                    }
                    attempt.lastError = e;
                    if (attempt.note == null || attempt.note.isEmpty()) {
                        attempt.note = e.getMessage();
                    }
                }
                onAttempt.accept(attempt);
                status.update("attempt " + attempt.number + (attempt.note == null ? "" : ", " + attempt.note));
                long now = System.nanoTime();
                if (now >= end) {
                    throw new WaitTimeoutException("timed out after " + Console.formatDuration(deadline)
                            + " waiting for " + what + " (" + attempt.number + " attempts"
                            + (attempt.note == null ? "" : "; last: " + attempt.note) + ")", attempt.lastError);
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

    /** A yes/no poll. */
    @FunctionalInterface
    public interface Condition {
        boolean test(Attempt attempt) throws Exception;
    }

    /** The state of a wait, for the probe to read and annotate. */
    public static final class Attempt {
        private final long start;
        private int number;
        private String note;
        private Throwable lastError;

        Attempt(long start) {
            this.start = start;
        }

        /** 1 for the first poll. */
        public int number() {
            return number;
        }

        /** Time since the wait began. */
        public Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - start);
        }

        /** Records what the last poll saw: shown in progress and in the timeout message. */
        public void note(String state) {
            this.note = state;
        }

        /** The last note, or null. */
        public String note() {
            return note;
        }
    }
}

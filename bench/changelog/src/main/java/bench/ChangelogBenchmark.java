package bench;

import java.util.concurrent.TimeUnit;
import monet.changelog.Changelog;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing, {@code notes} and {@code lint} of a generated ~1 MB changelog; MB/s = size / time per
 * operation. Sampled times (percentiles, not just a mean): on a shared machine the median and the
 * minimum say more than an average that other processes' load inflates.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class ChangelogBenchmark {
    private byte[] bytes;
    private Changelog parsed;

    @Setup
    public void setUp() {
        bytes = BigChangelog.generate();
        parsed = Changelog.parse(bytes, "big.md");
    }

    @Benchmark
    public Changelog parse() {
        return Changelog.parse(bytes, "big.md");
    }

    /** What {@code changelog notes X} does after reading the file: parse, then cut the section out. */
    @Benchmark
    public String parseAndNotes() {
        return Changelog.parse(bytes, "big.md").notes(BigChangelog.MIDDLE);
    }

    @Benchmark
    public Object lint() {
        return parsed.lint();
    }
}

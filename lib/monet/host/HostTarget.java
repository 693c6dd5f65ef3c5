package monet.host;

import java.time.Duration;
import java.util.function.Supplier;
import monet.config.Config;
import monet.config.Keys;

/**
 * Where host scripts run and how long each may run. The shell is opened on first use, so a dry
 * run contacts nothing.
 *
 * @param description for messages and dry runs ("i-0abc (via ssm)", "this machine (--via local)")
 * @param shell       opens the transport on first use (and keeps it)
 * @param timeout     how long each script may run; null: each caller's own default
 */
public record HostTarget(String description, Supplier<RemoteShell> shell, Duration timeout) {
    /** A target whose scripts run for each caller's default time. */
    public HostTarget(String description, Supplier<RemoteShell> shell) {
        this(description, shell, null);
    }

    /**
     * The instance through a transport: {@code ssm} (default), {@code ssh} or {@code local}
     * (this machine, e.g. on the instance itself); see {@link Transports#open}.
     */
    public static HostTarget of(Config config, String via, String instance, Duration timeout) {
        if (timeout != null) {
            Transports.timeout(timeout);
        }
        Supplier<RemoteShell> shell = once(() -> Transports.open(config, via, instance));
        if (Transports.via(via) == Transports.Via.LOCAL) {
            return new HostTarget("this machine (--via local)", shell, timeout);
        }
        String where = instance != null && !instance.isBlank() ? instance
                : !config.get(Keys.INSTANCE_ID).isEmpty() ? config.get(Keys.INSTANCE_ID)
                : "the running instance tagged " + config.get(Keys.INSTANCE_TAG);
        return new HostTarget(where + " (via " + Transports.via(via).name().toLowerCase(java.util.Locale.ROOT) + ")", shell, timeout);
    }

    /** {@link #timeout}, or {@code otherwise} when none was given. */
    public Duration timeoutOr(Duration otherwise) {
        return timeout != null ? timeout : otherwise;
    }

    private static <T> Supplier<T> once(Supplier<T> make) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = make.get();
                }
                return value;
            }
        };
    }
}

package monet.host;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import monet.MonetException;
import monet.console.Console;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * What one SSM command leaves on AWS and on the instance until it has ended: its one-time secret
 * parameters, the command itself while it runs, and the directory where the output wrapper may
 * keep large output. All of it is removed on every way out: the end, a failure, the client's own
 * timeout, and the JVM's shutdown (Ctrl-C's SIGINT, kill's SIGTERM), through a shutdown hook
 * held for as long as the command lasts. A SIGKILL runs no hook: {@link SecretParameters#cleanup}
 * removes what it left.
 *
 * <p>Putting a parameter and sending the command happen under this object's lock, as does the
 * clean-up, so an interruption in the middle of either still sees (and removes) what it made;
 * after the clean-up nothing more is put or sent.
 */
final class Leftovers implements AutoCloseable {
    /** How long the clean-up waits for a cancelled command to stop before removing its output directory. */
    static final Duration STOP_WAIT = Duration.ofSeconds(5);
    private static final Set<String> RUNNING = Set.of("Pending", "InProgress", "Delayed", "Cancelling");

    private final SsmClient ssm;
    private final String what;
    private final List<String> parameters = new ArrayList<>();
    private final Thread hook;
    private final boolean hooked;
    private String commandId;
    private boolean ended;
    private Runnable removeSpill;
    private boolean cleaned;

    /**
     * @param ssm  the client
     * @param what the command, for messages ("'create-user ann@example.com' on i-0abc")
     */
    Leftovers(SsmClient ssm, String what) {
        this.ssm = ssm;
        this.what = what;
        this.hook = new Thread(this::interrupted, "monet-ssm-cleanup");
        this.hooked = addHook(hook);
    }

    /** Puts the parameters (through {@code put}), remembering them first: a parameter an interruption races is still deleted. */
    synchronized void put(Collection<String> names, Runnable put) {
        refuseAfterCleanUp();
        parameters.addAll(names);
        put.run();
    }

    /**
     * Sends the command; from then on it is cancelled unless it ends, and the output directory
     * is removed with {@code removeSpill} (null: the command keeps no output on the instance)
     * unless {@link #spillGone} says the wrapper or the reader removed it.
     */
    synchronized String send(Supplier<String> send, Runnable removeSpill) {
        refuseAfterCleanUp();
        commandId = send.get();
        this.removeSpill = removeSpill;
        return commandId;
    }

    /** The command has ended: nothing to cancel. */
    synchronized void ended() {
        ended = true;
    }

    /** The output directory is gone (the wrapper printed the output itself, or it was read back and removed). */
    synchronized void spillGone() {
        removeSpill = null;
    }

    private void refuseAfterCleanUp() {
        if (cleaned) {
            throw new MonetException(what + " was interrupted");
        }
    }

    /** The JVM is shutting down (Ctrl-C, kill): clean up and say so. */
    private void interrupted() {
        boolean running;
        synchronized (this) {
            running = commandId != null && !ended && !cleaned;
        }
        if (running) {
            Console.get().warn("interrupted: cancelling SSM command " + commandId + " (" + what + ")");
        }
        cleanUp();
    }

    @Override
    public void close() {
        if (hooked) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) the clean-up
            }
        }
        cleanUp();
    }

    private synchronized void cleanUp() {
        if (cleaned) {
            return;
        }
        cleaned = true;
        for (String parameter : parameters) {
            try {
                ssm.deleteParameter(b -> b.name(parameter));
            } catch (ParameterNotFoundException alreadyGone) {
                // the instance deleted it, as it should
            } catch (RuntimeException e) {
                Console.get().warn("could not delete the secret parameter " + parameter + " (`./jbang remote cleanup` removes it): "
                        + e.getMessage());
            }
        }
        if (commandId != null && !ended) {
            try {
                ssm.cancelCommand(b -> b.commandId(commandId));
                awaitStop();
            } catch (RuntimeException e) {
                Console.get().warn("could not cancel SSM command " + commandId + ": " + e.getMessage());
            }
        }
        if (removeSpill != null) {
            try {
                removeSpill.run();
            } catch (RuntimeException e) {
                Console.get().warn("could not remove the output kept on the instance for SSM command " + commandId
                        + " (`./jbang remote cleanup` removes it): " + e.getMessage());
            }
        }
    }

    /** Waits (a little) for the cancelled command to stop, so that removing its output directory does not race it. */
    private void awaitStop() {
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var commands = ssm.listCommands(b -> b.commandId(commandId)).commands();
            if (commands.isEmpty() || !RUNNING.contains(commands.get(0).statusAsString())) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean addHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }
}

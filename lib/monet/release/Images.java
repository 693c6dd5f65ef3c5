package monet.release;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import monet.MonetException;
import monet.config.Config;
import monet.config.Keys;
import monet.console.Console;
import monet.process.Cmd;

/**
 * The backend and SSR images: built with the docker CLI in parallel (tagged with the version and
 * {@code latest}, build args VERSION, COMMIT and BUILD_TIME), logged in to ECR with a token from
 * the SDK (the password goes to {@code docker login --password-stdin}, never into arguments),
 * then pushed.
 */
final class Images {
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration PUSH_TIMEOUT = Duration.ofMinutes(15);

    /**
     * One image.
     *
     * @param repository the ECR repository
     * @param dockerfile its Dockerfile, relative to the repository root
     * @param context    its build context, relative to the repository root
     */
    record Image(String repository, String dockerfile, String context) {
        /** The reference with a tag. */
        public String ref(String registry, String tag) {
            return registry + "/" + repository + ":" + tag;
        }
    }

    private final ReleaseContext ctx;

    Images(ReleaseContext ctx) {
        this.ctx = ctx;
    }

    /** The two images from the configuration: ecr.repositories (backend, SSR) and image.*.dockerfile/context. */
    static List<Image> of(Config config) {
        List<String> repositories = config.get(Keys.ECR_REPOSITORIES);
        if (repositories.size() != 2) {
            throw MonetException.usage("ecr.repositories must name two repositories, backend then SSR; it is '"
                    + String.join(",", repositories) + "'");
        }
        return List.of(new Image(repositories.get(0), config.get(Keys.IMAGE_BACKEND_DOCKERFILE), config.get(Keys.IMAGE_BACKEND_CONTEXT)),
                new Image(repositories.get(1), config.get(Keys.IMAGE_SSR_DOCKERFILE), config.get(Keys.IMAGE_SSR_CONTEXT)));
    }

    Cmd build(Image image, String registry) {
        String version = ctx.version().version().toString();
        return ctx.cmd("docker", "build", "-f", image.dockerfile(),
                        "-t", image.ref(registry, version), "-t", image.ref(registry, "latest"),
                        "--build-arg", "VERSION=" + version, "--build-arg", "COMMIT=" + ctx.commit(),
                        "--build-arg", "BUILD_TIME=" + ctx.started(), image.context())
                .dir(ctx.repo()).timeout(BUILD_TIMEOUT);
    }

    Cmd login(String registry) {
        return ctx.cmd("docker", "login", "--username", "AWS", "--password-stdin", registry).timeout(Duration.ofMinutes(2));
    }

    Cmd push(String ref) {
        return ctx.cmd("docker", "push", ref).timeout(PUSH_TIMEOUT);
    }

    /** What a dry run prints. */
    String describe() {
        String registry = ctx.registry();
        StringBuilder text = new StringBuilder("build in parallel:");
        for (Image image : of(ctx.config())) {
            text.append("\n       $ ").append(build(image, registry).render());
        }
        text.append("\n     log in: ECR GetAuthorizationToken (AWS SDK), password on stdin to\n       $ ")
                .append(login(registry).render()).append("\n     push:");
        for (Image image : of(ctx.config())) {
            for (String tag : List.of(ctx.version().version().toString(), "latest")) {
                text.append("\n       $ ").append(push(image.ref(registry, tag)).render());
            }
        }
        return text.toString();
    }

    /** Builds both images in parallel, logs in to ECR, pushes both in parallel; returns the version refs. */
    List<String> buildAndPush() throws Exception {
        // The ECR token is fetched while the images build when ecr.registry names the registry;
        // otherwise the token's endpoint names it, and the builds wait for it.
        ExecutorService background = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "monet-ecr-login");
            t.setDaemon(true);
            return t;
        });
        Future<String> password = background.submit(() -> ctx.ecrLogin().password());
        background.shutdown();
        String registry = ctx.registry();
        String version = ctx.version().version().toString();
        List<Image> images = of(ctx.config());
        Console console = ctx.console();
        inParallel(images, image -> build(image, registry).onStdout(line -> console.info("  [" + image.repository() + "] " + line))
                .onStderr(line -> console.info("  [" + image.repository() + "] " + line)));
        login(registry).stdin(awaitPassword(password)).run();
        List<Cmd> pushes = new ArrayList<>();
        for (Image image : images) {
            pushes.add(push(image.ref(registry, version)));
            pushes.add(push(image.ref(registry, "latest")));
        }
        inParallel(pushes, cmd -> cmd);
        return images.stream().map(i -> i.ref(registry, version)).toList();
    }

    private static String awaitPassword(Future<String> password) throws Exception {
        try {
            return password.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static <T> void inParallel(List<T> items, Function<T, Cmd> command) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(items.size(), r -> {
            Thread t = new Thread(r, "monet-docker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (T item : items) {
                running.add(pool.submit(() -> command.apply(item).run()));
            }
            List<Exception> failures = new ArrayList<>();
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause() instanceof Exception c ? c : e);
                }
            }
            if (!failures.isEmpty()) {
                Exception first = failures.get(0);
                failures.subList(1, failures.size()).forEach(first::addSuppressed);
                throw first;
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

package monet.release;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * {@code latest}, with the build args of {@code image.build-args}); pushed later, once e2e has
 * passed ({@code push-images}): logged in to ECR with a token from the SDK (the password goes to
 * {@code docker login --password-stdin}, never into arguments), then both tags of both images.
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
        List<String> argv = new ArrayList<>(List.of("build", "-f", image.dockerfile(),
                "-t", image.ref(registry, version), "-t", image.ref(registry, "latest")));
        BuildArgs.of(ctx.config()).resolve(version, ctx.commit(), ctx.started().toString())
                .forEach(arg -> argv.addAll(List.of("--build-arg", arg)));
        argv.add(image.context());
        return ctx.cmd("docker", argv.toArray(String[]::new)).dir(ctx.repo()).timeout(BUILD_TIMEOUT);
    }

    Cmd login(String registry) {
        return ctx.cmd("docker", "login", "--username", "AWS", "--password-stdin", registry).timeout(Duration.ofMinutes(2));
    }

    Cmd push(String ref) {
        return ctx.cmd("docker", "push", ref).timeout(PUSH_TIMEOUT);
    }

    /** What a dry run of the build prints. */
    String describeBuild() {
        String registry = ctx.registry();
        StringBuilder text = new StringBuilder("build in parallel (pushed by push-images, once e2e passed):");
        for (Image image : of(ctx.config())) {
            text.append("\n       $ ").append(build(image, registry).render());
        }
        return text.toString();
    }

    /** What a dry run of the push prints. */
    String describePush() {
        String registry = ctx.registry();
        StringBuilder text = new StringBuilder("log in: ECR GetAuthorizationToken (AWS SDK), password on stdin to\n       $ ")
                .append(login(registry).render()).append("\n     push in parallel:");
        for (String ref : refs(registry)) {
            text.append("\n       $ ").append(push(ref).render());
        }
        return text.toString();
    }

    /** Builds both images in parallel; returns the version refs. Nothing leaves this machine. */
    List<String> build() throws Exception {
        String head = new Git(ctx.repo()).maybe("rev-parse", "--verify", "--quiet", "HEAD^{commit}").orElse("");
        Optional<String> tagged = ctx.tagCommit();
        if (tagged.isPresent() && !head.isEmpty() && !tagged.get().equals(head)) {
            String tag = "v" + ctx.version().version();
            throw new MonetException("HEAD is " + head + ", not " + tag + "'s commit " + tagged.get() + ": the images would be"
                    + " built from other files than the ones they name; check out " + tag + " first (git checkout " + tag + ")");
        }
        String registry = ctx.registry();
        Console console = ctx.console();
        inParallel(of(ctx.config()), image -> build(image, registry)
                .onStdout(line -> console.info("  [" + image.repository() + "] " + line))
                .onStderr(line -> console.info("  [" + image.repository() + "] " + line)));
        return versionRefs(registry);
    }

    /**
     * Logs in to ECR and pushes both tags of both images in parallel; returns the version refs.
     * The images must have been built on this machine ({@code images}): docker says which is not.
     */
    List<String> push() throws Exception {
        String registry = ctx.registry();
        login(registry).stdin(ctx.ecrLogin().password()).run();
        inParallel(refs(registry), this::push);
        return versionRefs(registry);
    }

    private List<String> refs(String registry) {
        List<String> refs = new ArrayList<>();
        for (Image image : of(ctx.config())) {
            refs.add(image.ref(registry, ctx.version().version().toString()));
            refs.add(image.ref(registry, "latest"));
        }
        return refs;
    }

    private List<String> versionRefs(String registry) {
        return of(ctx.config()).stream().map(i -> i.ref(registry, ctx.version().version().toString())).toList();
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

package monet.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import monet.process.Cmd;
import monet.process.CmdResult;

/**
 * A real Docker engine on this machine, the rehearsal host of the release tests: Debian's
 * dockerd (20.10) with Compose v2, and two registries of Debian's {@code docker-registry}
 * (distribution 2.8) on loopback addresses of their own:
 * <ul>
 *   <li>ECR: {@value #ECR_HOST} (moto's account and region) resolves to {@value #ECR_ADDRESS}
 *       through /etc/hosts, where the registry serves HTTPS on 443 with a self-signed
 *       certificate that Docker trusts (/etc/docker/certs.d) and accepts only the user
 *       {@code AWS} with moto's ECR token as password, as ECR does. No tags at each start;</li>
 *   <li>Docker Hub, as a registry mirror of the engine ({@value #MIRROR}): it serves
 *       {@code nginx:1.27-alpine}, the compose file's nginx, built from Debian's nginx.</li>
 * </ul>
 * No public registry is reachable, so the images are built on {@value #BASE_IMAGE}, imported
 * from the root file system that {@code .ci/install-docker-host} makes with debootstrap
 * (python3, nodejs, nginx-light, wget). That script also installs the packages, the /etc/hosts
 * entry and the certificate; this class starts dockerd (unless one runs, which must use the
 * mirror) and the registries on first use and stops what it started when the JVM ends. Traffic
 * stays on loopback and the compose networks of the tests' own containers.
 *
 * <pre>{@code
 * DockerHost docker = DockerHost.get();           // skips, or fails under CI=true, without the engine
 * docker.docker("ps", "-a").run();
 * }</pre>
 */
public final class DockerHost {
    /** The ECR registry host the images are pushed to and pulled from. */
    public static final String ECR_HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    /** The password of moto's ECR authorization token (AWS:PASSWORD), which the ECR registry accepts. */
    public static final String ECR_PASSWORD = "123456789012-auth-token";
    /** The image the rehearsal's app images are built on. */
    public static final String BASE_IMAGE = "monet-rehearsal/base:bookworm";
    /** The nginx image of the compose file, served by the Docker Hub mirror. */
    public static final String NGINX_IMAGE = "nginx:1.27-alpine";
    /** The compose project of infrastructure/server/docker-compose.prod.yml ({@code name: monet}). */
    public static final String PROJECT = "monet";
    static final String ECR_ADDRESS = "127.77.0.1";
    static final String MIRROR = "127.77.0.2:5000";
    private static final Path STATE = Path.of("/var/lib/monet-rehearsal");
    private static final Path CACHE = Path.of("/var/cache/monet-rehearsal");
    private static final String MACHINE_LOCK = "/tmp/monet-rehearsal-host.lock";
    private static final String INSTALL = " (.ci/install-docker-host, run by .ci/install, sets up the rehearsal host)";
    private static DockerHost instance;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path work;
    private HttpClient ecrClient;
    private FileLock machine;
    private final List<Process> started = new ArrayList<>();
    private Process dockerd;

    private DockerHost(Path work) {
        this.work = work;
    }

    /** The engine and the registries (started on the first call). */
    public static synchronized DockerHost get() {
        if (instance == null) {
            for (String program : List.of("dockerd", "docker", "docker-registry", "containerd")) {
                Tools.require(program);
            }
            try {
                DockerHost host = new DockerHost(Files.createTempDirectory("monet-docker-host"));
                host.takeMachine();
                Runtime.getRuntime().addShutdownHook(new Thread(host::stop, "monet-docker-host-stop"));
                host.start();
                instance = host;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the rehearsal host: " + e.getMessage(), e);
            }
        }
        return instance;
    }

    /** A docker CLI command against this engine. */
    public Cmd docker(String... args) {
        return Cmd.of(Stream.concat(Stream.of("docker"), Stream.of(args)).toList()).timeout(Duration.ofMinutes(5));
    }

    /** Removes the containers and network of the compose project {@value #PROJECT} (what a test's stack leaves). */
    public void removeStack() {
        String ids = docker("ps", "-aq", "--filter", "label=com.docker.compose.project=" + PROJECT).run().stdout().strip();
        if (!ids.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("rm", "-f"));
            rm.addAll(List.of(ids.split("\\s+")));
            docker(rm.toArray(String[]::new)).run();
        }
        docker("network", "rm", PROJECT + "_default").nothrow().run();
    }

    /**
     * One test JVM at a time uses the engine (the compose file names its containers, and the JVM
     * that started dockerd stops it): a lock on {@value #MACHINE_LOCK}, held until this JVM ends.
     * Another one (a second build on the same machine) waits for it.
     */
    private void takeMachine() throws IOException {
        FileChannel channel = FileChannel.open(Path.of(MACHINE_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            System.err.println("waiting for the rehearsal host: another test JVM uses it (" + MACHINE_LOCK + ")");
            lock = channel.lock();
        }
        machine = lock;
    }

    private void start() throws IOException {
        Path base = baseRootFileSystem();
        String key = base.getFileName().toString().replaceAll("^base-|\\.tar$", "");
        checkEcrName();
        startRegistry("mirror", MIRROR, Files.createDirectories(CACHE.resolve("mirror-" + key)), "");
        Path htpasswd = work.resolve("htpasswd");
        Files.writeString(htpasswd, "AWS:" + Cmd.of("python3", "-W", "ignore", "-c",
                "import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))", ECR_PASSWORD)
                .run().stdout().strip() + "\n");
        // The registries keep their layers between runs (the base layer is 200 MB); the ECR
        // registry's tags are deleted at each start, so that only this run's pushes can be pulled.
        startRegistry("ecr", ECR_ADDRESS + ":443", Files.createDirectories(CACHE.resolve("ecr-" + key)),
                "  tls: {certificate: " + STATE.resolve("registry.crt") + ", key: " + STATE.resolve("registry.key") + "}\n"
                        + "auth:\n  htpasswd: {realm: ecr, path: " + htpasswd + "}\n");
        startEngine();
        removeStack();
        // What earlier runs left: the app images must come from this run's registry.
        forgetAppImages();
        String imported = docker("image", "inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", BASE_IMAGE)
                .nothrow().run().stdout();
        if (!imported.contains("MONET_BASE=" + key)) {
            docker("import", "--change", "ENV MONET_BASE=" + key, "--change", "CMD [\"/bin/bash\"]", base.toString(), BASE_IMAGE)
                    .run();
        }
        publishNginx();
    }

    /** The tags the ECR registry holds for a repository (its own API, as the user AWS). */
    public List<String> ecrTags(String repository) {
        HttpResponse<String> answer = ecr("GET", "/v2/" + repository + "/tags/list", Map.of());
        List<String> tags = new ArrayList<>();
        if (answer.statusCode() == 200) {
            json(answer.body()).path("tags").forEach(tag -> tags.add(tag.asText()));
        }
        return tags;
    }

    /** The manifest digest a tag of the ECR registry points to, or "" when there is no such tag. */
    public String ecrDigest(String repository, String tag) {
        HttpResponse<String> head = ecr("HEAD", "/v2/" + repository + "/manifests/" + tag,
                Map.of("Accept", "application/vnd.docker.distribution.manifest.v2+json"));
        return head.statusCode() == 200 ? head.headers().firstValue("Docker-Content-Digest").orElse("") : "";
    }

    /**
     * Deletes every tag of the ECR registry and removes the engine's images named after it: what
     * the app images earlier tests built and pushed, so that a test sees only its own.
     */
    public void forgetAppImages() {
        deleteEcrTags();
        String old = docker("images", "-q", "--filter", "reference=" + ECR_HOST + "/*").run().stdout().strip();
        if (!old.isEmpty()) {
            List<String> rmi = new ArrayList<>(List.of("rmi", "-f"));
            rmi.addAll(List.of(old.split("\\s+")).stream().distinct().toList());
            docker(rmi.toArray(String[]::new)).run();
        }
    }

    /** Deletes one tag of the ECR registry (its manifest), as a lifecycle policy or a person might. */
    public void deleteEcrTag(String repository, String tag) {
        String digest = ecrDigest(repository, tag);
        if (digest.isEmpty() || ecr("DELETE", "/v2/" + repository + "/manifests/" + digest, Map.of()).statusCode() != 202) {
            throw new IllegalStateException("cannot delete " + repository + ":" + tag + " from the ECR registry");
        }
    }

    private void deleteEcrTags() {
        List<String> repositories = new ArrayList<>();
        json(ecr("GET", "/v2/_catalog", Map.of()).body()).path("repositories").forEach(r -> repositories.add(r.asText()));
        for (String repository : repositories) {
            for (String tag : ecrTags(repository)) {
                String digest = ecrDigest(repository, tag);
                if (!digest.isEmpty()) {
                    ecr("DELETE", "/v2/" + repository + "/manifests/" + digest, Map.of());
                }
            }
        }
    }

    private HttpResponse<String> ecr(String method, String path, Map<String, String> headers) {
        try {
            if (ecrClient == null) {
                ecrClient = HttpClient.newBuilder().sslContext(Tls.trusting(STATE.resolve("registry.crt")))
                        .connectTimeout(Duration.ofSeconds(5)).build();
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://" + ECR_HOST + path))
                    .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("AWS:" + ECR_PASSWORD)
                            .getBytes(StandardCharsets.UTF_8)));
            headers.forEach(request::header);
            return ecrClient.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("the ECR registry did not answer " + method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + text, e);
        }
    }

    /** The tar that .ci/install-docker-host made, named after its contents. */
    private static Path baseRootFileSystem() throws IOException {
        List<Path> tars;
        try (Stream<Path> files = Files.exists(CACHE) ? Files.list(CACHE) : Stream.empty()) {
            tars = files.filter(p -> p.getFileName().toString().matches("base-[0-9a-f]+\\.tar")).toList();
        }
        if (tars.size() != 1) {
            missing("the base image's root file system is not in " + CACHE + (tars.isEmpty() ? "" : " (found " + tars + ")"));
        }
        return tars.get(0);
    }

    private static void checkEcrName() throws IOException {
        String address;
        try {
            address = InetAddress.getByName(ECR_HOST).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            address = "nothing";
        }
        if (!address.equals(ECR_ADDRESS)) {
            missing(ECR_HOST + " resolves to " + address + ", not " + ECR_ADDRESS);
        }
        Path ca = Path.of("/etc/docker/certs.d", ECR_HOST, "ca.crt");
        if (!Files.isRegularFile(ca) || !Files.isRegularFile(STATE.resolve("registry.key"))
                || Files.mismatch(ca, STATE.resolve("registry.crt")) != -1) {
            missing("Docker does not trust the registry's certificate (" + ca + ")");
        }
    }

    private void startRegistry(String name, String address, Path storage, String extra) throws IOException {
        String host = address.substring(0, address.indexOf(':'));
        int port = Integer.parseInt(address.substring(address.indexOf(':') + 1));
        if (listening(host, port)) {
            // A registry left by a test JVM that died serves the same storage: use it.
            if (registryAnswers(host, port)) {
                return;
            }
            throw new IllegalStateException(address + " is in use by something that is not a registry");
        }
        Path config = work.resolve(name + ".yml");
        Files.writeString(config, "version: 0.1\nlog: {level: warn}\nstorage:\n  filesystem: {rootdirectory: " + storage + "}\n"
                + "  delete: {enabled: true}\nhttp:\n  addr: " + address + "\n  secret: monet-rehearsal\n" + extra);
        Process registry = new ProcessBuilder(Tools.require("docker-registry").toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile()).start();
        started.add(registry);
        awaitPort(registry, host, port, work.resolve(name + ".log"));
    }

    private void startEngine() throws IOException {
        CmdResult info = docker("info", "--format", "{{json .RegistryConfig.Mirrors}}").timeout(Duration.ofSeconds(20)).nothrow().run();
        if (info.exitCode() == 0) {
            if (!info.stdout().contains(MIRROR)) {
                throw new IllegalStateException("a dockerd is running without the rehearsal's registry mirror (" + info.stdout().strip()
                        + "): stop it, or start it with --registry-mirror http://" + MIRROR);
            }
            return;
        }
        Path log = work.resolve("dockerd.log");
        dockerd = new ProcessBuilder(Tools.require("dockerd").toString(), "--registry-mirror", "http://" + MIRROR,
                "--pidfile", work.resolve("dockerd.pid").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (docker("version", "--format", "{{.Server.Version}}").timeout(Duration.ofSeconds(10)).nothrow().run().exitCode() != 0) {
            if (!dockerd.isAlive() || System.nanoTime() > end) {
                throw new IllegalStateException("dockerd did not start: " + tail(log));
            }
            sleep(200);
        }
    }

    /** nginx:1.27-alpine on the mirror (built once per base image), and not in the engine: deploys pull it. */
    private void publishNginx() throws IOException {
        docker("rmi", NGINX_IMAGE).nothrow().run();
        HttpURLConnection manifest = (HttpURLConnection) URI.create("http://" + MIRROR + "/v2/library/nginx/manifests/1.27-alpine")
                .toURL().openConnection();
        manifest.setRequestMethod("HEAD");
        manifest.setRequestProperty("Accept", "application/vnd.docker.distribution.manifest.v2+json");
        if (manifest.getResponseCode() == 200) {
            return;
        }
        Path context = Files.createDirectories(work.resolve("nginx-image"));
        // What the official image does that the compose file relies on: logs to the container's
        // output, a graceful stop on SIGQUIT, nginx in the foreground.
        Files.writeString(context.resolve("Dockerfile"), "FROM " + BASE_IMAGE + "\n"
                + "RUN ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log\n"
                + "STOPSIGNAL SIGQUIT\nEXPOSE 80 443\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n");
        String mirrored = MIRROR + "/library/" + NGINX_IMAGE;
        docker("build", "-q", "-t", mirrored, context.toString()).run();
        docker("push", mirrored).run();
        docker("rmi", mirrored).run();
    }

    /**
     * At the JVM's end: the test stack's containers (their restart policy would bring them back
     * with the next dockerd), then what this class started. Plain processes, not {@link Cmd},
     * whose own shutdown hook kills the commands it runs.
     */
    private synchronized void stop() {
        try {
            String ids = new String(new ProcessBuilder("docker", "ps", "-aq", "--filter", "label=com.docker.compose.project=" + PROJECT)
                    .start().getInputStream().readAllBytes()).strip();
            if (!ids.isEmpty()) {
                List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f"));
                rm.addAll(List.of(ids.split("\\s+")));
                new ProcessBuilder(rm).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
            }
            if (dockerd != null && dockerd.isAlive()) {
                dockerd.destroy();
                if (!dockerd.waitFor(30, TimeUnit.SECONDS)) {
                    dockerd.destroyForcibly();
                }
            }
            for (Process p : started) {
                p.destroy();
            }
            new ProcessBuilder("rm", "-rf", work.toString()).start().waitFor(60, TimeUnit.SECONDS);
            if (machine != null) {
                machine.release();
            }
        } catch (IOException | InterruptedException e) {
            // the JVM is ending: nothing more can be done
        }
    }

    private static void missing(String what) {
        Tools.missing(what + INSTALL);
    }

    /** True when a distribution registry answers there (its API header, with or without authentication). */
    private static boolean registryAnswers(String host, int port) {
        for (String scheme : List.of("http", "https")) {
            try {
                HttpURLConnection probe = (HttpURLConnection) URI.create(scheme + "://" + (port == 443 ? ECR_HOST : host + ":" + port)
                        + "/v2/").toURL().openConnection();
                if (probe instanceof javax.net.ssl.HttpsURLConnection https) {
                    https.setSSLSocketFactory(Tls.trusting(STATE.resolve("registry.crt")).getSocketFactory());
                }
                probe.setConnectTimeout(2000);
                probe.getResponseCode();
                if (probe.getHeaderField("Docker-Distribution-Api-Version") != null) {
                    return true;
                }
            } catch (IOException notThisScheme) {
                // try the other
            }
        }
        return false;
    }

    private static boolean listening(String host, int port) {
        try (Socket socket = new Socket(host, port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitPort(Process process, String host, int port, Path log) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!listening(host, port)) {
            if (!process.isAlive() || System.nanoTime() > end) {
                throw new IllegalStateException("not listening on " + host + ":" + port + ": " + tail(log));
            }
            sleep(50);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

package monet.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import monet.process.Cmd;
import monet.process.CmdResult;
import monet.testing.JBang;
import monet.testing.Moto;
import monet.testing.Rehearsal;
import monet.testing.SsmEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploys, rollbacks and their failures on the real Docker host ({@link Rehearsal}), one stack
 * for every scenario, in order: each starts from the site the one before left. Everything is
 * checked from outside as a browser does (over HTTPS through nginx: every page and each asset
 * it references, the static fallback's assets, /api/version, and nginx's own
 * /nginx-health on port 80, which the versions' nginx.conf answer differently) and in the host
 * files' bytes (index.html, version.txt, the compose file).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployOnDockerTest {
    private static final Pattern ASSET = Pattern.compile("(?:href|src)=\"(/assets/[^\"]+)\"");
    private static final String MAIN_JS = "web/src/main.js";
    private static final String NGINX_CONF = "infrastructure/server/nginx.conf";
    private static final String COMPOSE = "infrastructure/server/docker-compose.prod.yml";

    Rehearsal site;
    Path tmp;
    Path dists;

    @BeforeAll
    void firstRelease(@TempDir Path dir) throws IOException {
        tmp = dir;
        dists = Files.createDirectories(dir.resolve("dists"));
        site = Rehearsal.start(dir.resolve("rehearsal"));
        site.env().put("ANTHROPIC_API_KEY", "rehearsal-key");
        site.releaseOk("pipeline", "--only", "build-web,sync-web,images,push-images,deploy,verify");
        keepDist(Rehearsal.FIRST);
        assertWhole(Rehearsal.FIRST, "ok\n");
    }

    @AfterAll
    void stop() {
        if (site != null) {
            site.close();
        }
    }

    @Test
    @Order(1)
    void filesOfTheSameSizeReachTheHostAndTheOldAssetsAnswerDuringAndAfterTheSwitch() throws Exception {
        List<String> v1Assets = assetsOf(site.get("/").body());
        // Same sizes: version.txt, main.js (so index.html, whose hashed names keep their length),
        // nginx.conf and the compose file; only their bytes change.
        site.newVersion("2.0.0", Map.of(
                MAIN_JS, site.read(MAIN_JS).replace("\"r1\"", "\"r2\""),
                NGINX_CONF, site.read(NGINX_CONF).replace("return 200 \"ok\\n\";", "return 200 \"v2\\n\";"),
                COMPOSE, site.read(COMPOSE).replace("# Production services", "# PRODUCTION services")));

        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean deploying = new AtomicBoolean(true);
        Downtime downtime = new Downtime(site);
        Thread browser = new Thread(() -> {
            while (deploying.get()) {
                try {
                    Rehearsal.Page page = downtime.page("/drawings/7");
                    if (page != null && (page.html().statusCode() != 200 || !page.brokenAssets().isEmpty())) {
                        failures.add(page.toString());
                    }
                    for (String asset : v1Assets) {
                        int status = Downtime.asBrowser(() -> site.get(asset)).statusCode();
                        if (status != 200) {
                            failures.add(asset + " " + status);
                        }
                    }
                    downtime.api();
                    downtime.webSocket();
                    Thread.sleep(50);
                } catch (RuntimeException | InterruptedException e) {
                    failures.add(e.toString());
                }
            }
        }, "browser");
        browser.start();
        long started = System.nanoTime();
        try {
            site.releaseOk("pipeline", "--only", "build-web,sync-web,images,push-images,deploy,verify");
        } finally {
            deploying.set(false);
            browser.join();
            downtime.close();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        keepDist("2.0.0");
        downtime.report(took, System.getProperty("monet.bench.downtime", ""));

        assertThat(failures).as("pages and v1's assets while 2.0.0 was deployed").isEmpty();
        assertThat(downtime.failed("page")).as("pages while 2.0.0 was deployed").isZero();
        assertThat(downtime.failed("api")).as("/api/version while 2.0.0 was deployed: the new API serves beside the old"
                + " (deploy.overlap) until it has replaced it").isZero();
        assertThat(standbys()).as("no stand-in is left").isEmpty();
        assertWhole("2.0.0", "v2\n");
        assertThat(read(site.appDir().resolve("docker-compose.prod.yml"))).isEqualTo(site.read(COMPOSE));
        for (String asset : v1Assets) {
            assertThat(site.get(asset).statusCode()).as(asset + " of 1.0.0, bridged").isEqualTo(200);
        }
        assertThat(site.appDir().resolve(".deploy.lock")).as("verify ended the release").doesNotExist();
    }

    @Test
    @Order(2)
    void aBrokenNginxConfIsRefusedAndTheLiveOneKeepsServing() {
        site.newVersion("2.1.0", Map.of(NGINX_CONF, site.read(NGINX_CONF).replace("listen 443 ssl http2;", "listen 443 ssl http2 bogus;")));
        String live = currentRelease();

        // No images of 2.1.0: its nginx.conf is tested before anything else is pulled.
        CmdResult deploy = site.release("pipeline", "--only", "build-web,sync-web,deploy,verify");

        assertThat(deploy.exitCode()).as(deploy.stdout()).isEqualTo(1);
        assertThat(deploy.stderr()).contains("fails nginx -t", "bogus", "2.0.0 keeps serving");
        assertWhole("2.0.0", "v2\n");
        assertThat(currentRelease()).isEqualTo(live);
        assertThat(releases()).noneMatch(name -> name.endsWith("-2.1.0"));
        assertThat(site.appDir().resolve(".deploy.lock")).as("a failed stage ends the release").doesNotExist();
        assertThat(audit()).contains("action=deploy version=2.1.0 previous=2.0.0 result=failed");
    }

    @Test
    @Order(3)
    void anApiThatDoesNotStartIsRefusedBeforeAnythingSwitches() {
        // 2.2.0's API exits at start: its stand-in, started beside 2.0.0's, never passes its health check.
        site.newVersion("2.2.0", Map.of(NGINX_CONF, site.read(NGINX_CONF).replace("listen 443 ssl http2 bogus;", "listen 443 ssl http2;"),
                "server/app.py", site.read("server/app.py").replace("def main():\n", "def main():\n    sys.exit(3)\n")));
        String live = currentRelease();

        CmdResult deploy = site.release("pipeline", "--only", "build-web,sync-web,images,push-images,deploy,verify");

        assertThat(deploy.exitCode()).as(deploy.stdout()).isEqualTo(1);
        assertThat(deploy.stderr()).contains("deploy of 2.2.0 refused: drawing-agent of the new version, started beside the live one:"
                + " it stopped (exited, exit code 3); 2.0.0 keeps serving");
        assertWhole("2.0.0", "v2\n");
        assertThat(standbys()).as("the stand-in is removed").isEmpty();
        assertThat(currentRelease()).isEqualTo(live);
        assertThat(releases()).noneMatch(name -> name.endsWith("-2.2.0"));
        assertThat(site.appDir().resolve(".deploy.lock")).doesNotExist();
        assertThat(audit()).contains("action=deploy version=2.2.0 previous=2.0.0 result=failed");
    }

    @Test
    @Order(4)
    void aFailedVerifyRollsBackImagesWebFilesAndConfig() throws IOException {
        // 3.0.0 has its own assets and nginx.conf, and an API that never reports 3.0.0.
        site.newVersion("3.0.0", Map.of(
                MAIN_JS, site.read(MAIN_JS).replace("\"r2\"", "\"r3\""),
                NGINX_CONF, site.read(NGINX_CONF).replace("return 200 \"v2\\n\";", "return 200 \"v3\\n\";"),
                "server/app.py", site.read("server/app.py").replace("VERSION = os.environ.get(\"APP_VERSION\", \"unknown\")",
                        "VERSION = \"never\"").replace("    sys.exit(3)\n", "")));
        site.env().put("MONET_VERIFY_TIMEOUT", "8");
        CmdResult release;
        try {
            release = site.release("pipeline", "--only", "build-web,sync-web,images,push-images,deploy,verify");
        } finally {
            site.env().put("MONET_VERIFY_TIMEOUT", "60");
        }
        keepDist("3.0.0");
        List<String> v3Assets = assetsOf(Files.readString(dists.resolve("3.0.0/index.html")));

        assertThat(release.exitCode()).as(release.stdout()).isEqualTo(1);
        assertThat(release.stderr()).contains("verification of 3.0.0 failed", "rolled back: deploy (now 2.0.0, serving and healthy)");
        assertWhole("2.0.0", "v2\n");
        for (String asset : v3Assets) {
            assertThat(site.get(asset).statusCode()).as(asset + " of 3.0.0, bridged back").isEqualTo(200);
        }
        assertThat(site.appDir().resolve(".deploy.lock")).doesNotExist();
    }

    @Test
    @Order(5)
    void releaseRollbackRestoresTheWholeVersionItNames() {
        site.releaseOk("rollback", "1.0.0");
        assertWhole(Rehearsal.FIRST, "ok\n");
        site.releaseOk("rollback", "2.0.0");
        assertWhole("2.0.0", "v2\n");
        assertThat(audit()).contains("action=rollback version=1.0.0 previous=2.0.0 result=ok",
                "action=rollback version=2.0.0 previous=1.0.0 result=ok");
    }

    @Test
    @Order(6)
    void aFailedPullLeavesTheLiveVersionServingWhole() {
        String live = currentRelease();
        CmdResult deploy = site.release("deploy", "--version", "9.9.9");

        assertThat(deploy.exitCode()).isEqualTo(1);
        assertThat(deploy.stderr()).contains("the images could not be pulled; 2.0.0 keeps serving");
        assertWhole("2.0.0", "v2\n");
        assertThat(currentRelease()).isEqualTo(live);
        assertThat(releases()).noneMatch(name -> name.endsWith("-9.9.9"));
        assertThat(site.appDir().resolve(".deploy.lock")).doesNotExist();
    }

    @Test
    @Order(7)
    void deployRefusesADataDirectoryThatIsNotAMountPoint() throws IOException {
        Path plain = Files.createDirectories(tmp.resolve("not-a-volume"));
        CmdResult deploy = site.release("deploy", "--version", "2.0.0", "--set", "data.dir=" + plain,
                "--set", "data.require-mount=true");

        assertThat(deploy.exitCode()).isEqualTo(1);
        assertThat(deploy.stderr()).contains(plain + " (data.dir) is not a mount point", "data.require-mount=false");
        assertWhole("2.0.0", "v2\n");
    }

    @Test
    @Order(8)
    void theReleaseHoldsOneLockFromItsFirstHostStageToTheEndOfVerify() throws IOException {
        site.newVersion("4.0.0", Map.of(MAIN_JS, site.read(MAIN_JS).replace("\"r3\"", "\"r4\""),
                NGINX_CONF, site.read(NGINX_CONF).replace("return 200 \"v3\\n\";", "return 200 \"v4\\n\";"),
                "server/app.py", site.read("server/app.py").replace("VERSION = \"never\"",
                        "VERSION = os.environ.get(\"APP_VERSION\", \"unknown\")")));
        // As the workflow runs them: one stage per step, each a process of its own.
        site.releaseOk("build-web");
        site.releaseOk("sync-web");
        site.releaseOk("images");
        site.releaseOk("push-images");
        keepDist("4.0.0");
        site.releaseOk("deploy");
        String lock = Files.readString(site.appDir().resolve(".deploy.lock"));
        assertThat(lock).matches("holder=\\S+ since=\\d{4}-\\d\\d-\\d\\dT\\S+Z action=release version=4\\.0\\.0 stage=deploy\n");

        // Another release (CI, while the laptop's is between deploy and verify) is refused.
        CmdResult other = asOther("deploy", "--version", "4.0.0");
        assertThat(other.exitCode()).isEqualTo(1);
        assertThat(other.stderr()).contains("the deploy lock is held: " + lock.strip(), "unlock --force");

        site.releaseOk("verify");
        assertThat(site.appDir().resolve(".deploy.lock")).doesNotExist();
        assertWhole("4.0.0", "v4\n");
    }

    /**
     * A deploy killed (SIGKILL: the JVM, the host script and the CLIs it runs) at each moment
     * of its work, found on the host as it happens: while fetching, once fetched (pulling and
     * testing nginx.conf), while the new API's stand-in serves beside the old one, right after the
     * switch, and while the containers start. Each time the
     * site serves whole pages, the dead deploy's lock says who and since, another release is
     * refused, and the next deploy of the same release goes on and succeeds.
     */
    @Test
    @Order(9)
    void aDeployKilledAtAnyMomentLeavesAWholeSiteAndTheNextDeploySucceeds() throws Exception {
        site.newVersion("5.0.0", Map.of(MAIN_JS, site.read(MAIN_JS).replace("\"r4\"", "\"r5\""),
                NGINX_CONF, site.read(NGINX_CONF).replace("return 200 \"v4\\n\";", "return 200 \"v5\\n\";")));
        site.releaseOk("pipeline", "--only", "build-web,images,push-images");
        keepDist("5.0.0");

        Map<String, Predicate<String>> moments = new java.util.LinkedHashMap<>();
        moments.put("fetching", version -> releasesAndIncoming().stream().anyMatch(n -> n.startsWith(".incoming-")));
        moments.put("fetched", version -> releases().stream().anyMatch(n -> n.endsWith("-" + version) && !n.equals(currentRelease())
                && !releasesBefore.contains(n)));
        moments.put("overlapping", version -> !standbys().isEmpty());
        moments.put("switched", version -> currentRelease().endsWith("-" + version) && !releasesBefore.contains(currentRelease()));
        moments.put("starting", version -> envTag().equals(version));
        String version = "4.0.0";
        for (Map.Entry<String, Predicate<String>> moment : moments.entrySet()) {
            version = version.equals("4.0.0") ? "5.0.0" : "4.0.0";
            publish(version);
            releasesBefore = releases();
            JBang.Running deploy = site.startRelease(tmp.resolve("killed"), "deploy", "--version", version);
            awaitMoment(moment.getKey(), moment.getValue(), version, deploy);
            deploy.killTree();

            String at = "killed while " + moment.getKey() + " (" + version + ")";
            if (moment.getKey().equals("overlapping")) {
                // The dead deploy's watcher removes its stand-in: the API is the live version's alone again.
                awaitNoStandby(at);
                for (int i = 0; i < 5; i++) {
                    assertThat(site.apiVersion()).as(at).isEqualTo(envTag());
                }
            }
            assertWholePages(at);
            String lock = Files.readString(site.appDir().resolve(".deploy.lock"));
            assertThat(lock).as(at).contains("version=" + version, "since=");
            CmdResult other = asOther("deploy", "--version", version);
            assertThat(other.stderr()).as(at).contains("the deploy lock is held: " + lock.strip());

            site.releaseOk("deploy", "--version", version);
            site.releaseOk("verify", "--version", version);
            assertWhole(version, "v" + version.charAt(0) + "\n");
        }
        // The way out for a lock whose release nobody will finish: unlock --force, audited.
        site.releaseOk("lock", "--reason", "left by a dead deploy");
        CmdResult unlock = asOther("unlock", "--force");
        assertThat(unlock.exitCode()).isZero();
        assertThat(audit()).contains("action=unlock forced=yes was=[holder=");
        assertThat(releases()).as("deploy.keep-releases (3)").hasSizeLessThanOrEqualTo(3);
    }

    /**
     * The host stages through the SSM test endpoint instead of --via local (its commands run with
     * /bin/sh on this machine, so they reach the real engine): status, lock and unlock, migrate,
     * deploy with its stand-in, verify, rollback and cleanup, each checked on the host, in the
     * engine's images and over HTTPS.
     */
    @Test
    @Order(10)
    void theHostStagesRunTheSameThroughSsm() throws IOException {
        Map<String, String> hostEnv = Map.of("CURL_CA_BUNDLE", site.dataDir().resolve("certs/fullchain.pem").toString(),
                "PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        // The endpoint's sandbox puts the docker stand-in first on PATH: the machine's PATH instead, for the real engine.
        SsmEndpoint ssm = SsmEndpoint.start(tmp.resolve("ssm")).proxyTo(Moto.get().endpoint()).hostEnv(hostEnv);
        site.env().put("AWS_ENDPOINT_URL_SSM", ssm.endpoint());
        try {
            String live = envTag();
            String other = live.equals("5.0.0") ? "4.0.0" : "5.0.0";
            assertThat(viaSsm("status").stdout()).contains("image_tag=" + live, "lock=free");
            viaSsm("lock", "--reason", "checking over SSM");
            assertThat(Files.readString(site.appDir().resolve(".deploy.lock"))).contains("action=manual: checking over SSM");
            viaSsm("unlock");
            assertThat(site.appDir().resolve(".deploy.lock")).doesNotExist();

            publish(other);
            viaSsm("migrate", "--version", other);
            // Both app services overlapped: web-ssr's stand-in (its own health check, in node) as well.
            long since = System.currentTimeMillis() / 1000 - 1;
            CmdResult deploy = viaSsm("deploy", "--version", other, "--set", "deploy.overlap=drawing-agent,web-ssr");
            List<String> created = Cmd.of("docker", "events", "--since", Long.toString(since), "--until",
                    Long.toString(System.currentTimeMillis() / 1000 + 1), "--filter", "event=create", "--filter",
                    "label=monet.standby=" + site.appDir(), "--format", "{{index .Actor.Attributes \"com.docker.compose.service\"}}")
                    .run().stdout().lines().sorted().toList();
            assertThat(created).as("the stand-ins the deploy created").containsExactly("drawing-agent", "web-ssr");
            viaSsm("verify", "--version", other);
            assertWhole(other, "v" + other.charAt(0) + "\n");
            assertThat(standbys()).as("no stand-in is left").isEmpty();
            assertThat(deploy.stdout() + deploy.stderr()).doesNotContain("refused");
            assertThat(audit()).contains("action=deploy version=" + other + " previous=" + live + " result=ok");

            viaSsm("rollback");
            assertWhole(live, "v" + live.charAt(0) + "\n");
            assertThat(site.appDir().resolve(".deploy.lock")).doesNotExist();

            // cleanup keeps the live and previous tags and latest; an image a container still uses is refused by
            // docker and named, after the rest was pruned.
            String registry = Files.readString(site.appDir().resolve(".env")).lines().filter(l -> l.startsWith("ECR_REGISTRY="))
                    .map(l -> l.substring("ECR_REGISTRY=".length())).findFirst().orElseThrow();
            String held = registry + "/drawing-agent:" + Rehearsal.FIRST;
            String container = Cmd.of("docker", "create", held).run().stdout().strip();
            CmdResult refused;
            try {
                refused = site.release("cleanup", "--via", "ssm", "--instance", SsmEndpoint.DEFAULT_INSTANCE);
            } finally {
                Cmd.of("docker", "rm", container).run();
            }
            assertThat(refused.exitCode()).as(refused.stdout()).isEqualTo(1);
            assertThat(refused.stderr()).contains("docker refused to remove: " + held + " (see its reason above)");
            assertThat(registryTags(registry)).containsExactlyInAnyOrder("drawing-agent:" + Rehearsal.FIRST, "drawing-agent:" + live,
                    "drawing-agent:latest", "web-ssr:" + live, "web-ssr:latest");
            viaSsm("cleanup");
            assertThat(registryTags(registry)).containsExactlyInAnyOrder("drawing-agent:" + live, "drawing-agent:latest",
                    "web-ssr:" + live, "web-ssr:latest");
            assertWhole(live, "v" + live.charAt(0) + "\n");
        } finally {
            site.env().remove("AWS_ENDPOINT_URL_SSM");
            ssm.stop();
        }
    }

    /** The engine's tags of the registry's images, as REPOSITORY:TAG without the registry (dangling ones left out). */
    private static List<String> registryTags(String registry) {
        return Cmd.of("docker", "images", "--format", "{{.Repository}}:{{.Tag}}").run().stdout().lines()
                .filter(l -> l.startsWith(registry + "/") && !l.endsWith(":<none>")).map(l -> l.substring(registry.length() + 1)).toList();
    }

    private CmdResult viaSsm(String... args) {
        List<String> argv = new ArrayList<>(List.of(args));
        argv.addAll(List.of("--via", "ssm", "--instance", SsmEndpoint.DEFAULT_INSTANCE));
        return site.releaseOk(argv.toArray(String[]::new));
    }

    private List<String> releasesBefore = List.of();

    /** The stand-ins (deploy.overlap) of this stack's deploys, running or not. */
    private List<String> standbys() {
        return Cmd.of("docker", "ps", "-aq", "--filter", "label=monet.standby=" + site.appDir()).run().stdout().lines().toList();
    }

    private void awaitNoStandby(String at) {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!standbys().isEmpty()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(at + ": a stand-in is left: " + standbys());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static void awaitMoment(String name, Predicate<String> reached, String version, JBang.Running deploy) {
        long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!reached.test(version)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("the deploy of " + version + " never reached '" + name + "':\n" + deploy.stderr());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The bucket holds VERSION's web files (its dist, kept when it was built) and config (its tag's). */
    private void publish(String version) throws IOException {
        Path dist = site.dist();
        Cmd.of("rm", "-rf", dist.toString()).run();
        Cmd.of("cp", "-a", dists.resolve(version).toString(), dist.toString()).run();
        site.git("checkout", "v" + version, "--", "infrastructure/server");
        try {
            site.releaseOk("sync-web", "--version", version);
        } finally {
            site.git("checkout", "HEAD", "--", "infrastructure/server");
        }
    }

    private CmdResult asOther(String... args) {
        Map<String, String> env = site.env();
        env.put("GITHUB_ACTOR", "release-bot");
        env.put("GITHUB_RUN_ID", "77");
        try {
            return site.release(args);
        } finally {
            env.remove("GITHUB_ACTOR");
            env.remove("GITHUB_RUN_ID");
        }
    }

    private void keepDist(String version) {
        Cmd.of("cp", "-a", site.dist().toString(), dists.resolve(version).toString()).run();
    }

    /**
     * The site serves VERSION whole: its pages rendered by its SSR server with every asset, its
     * API, its version.txt, its static fallback page (the host's bytes, and each of its assets
     * over HTTPS), and its nginx.conf (nginx's /nginx-health on port 80). Requests go as a
     * browser sends them: one refused by HTTP/2's GOAWAY (nginx reloading, as a deploy killed
     * right after signalling it leaves it doing) is sent again once.
     */
    private void assertWhole(String version, String nginxHealth) {
        for (String path : List.of("/", "/drawings/7?share=1")) {
            Rehearsal.Page page = Downtime.asBrowser(() -> site.page(path));
            assertThat(page.html().statusCode()).as(page.toString()).isEqualTo(200);
            assertThat(page.ssrVersion()).as(page.toString()).isEqualTo(version);
            assertThat(page.assets()).as(page.toString()).hasSize(2);
            assertThat(page.brokenAssets()).as(page.toString()).isEmpty();
        }
        assertThat(site.apiVersion()).isEqualTo(version);
        // nginx sends all but /assets/ to the SSR server: version.txt is checked in the host's bytes.
        assertThat(read(site.appDir().resolve("site/current/web/version.txt"))).isEqualTo(version + "\n");
        Path index = site.appDir().resolve("site/current/web/index.html");
        assertThat(read(index)).as("the live index.html is " + version + "'s").isEqualTo(read(dists.resolve(version).resolve("index.html")));
        for (String asset : assetsOf(read(index))) {
            assertThat(Downtime.asBrowser(() -> site.get(asset)).statusCode()).as(asset + " of the static fallback").isEqualTo(200);
        }
        HttpResponse<String> health = site.send(HttpRequest.newBuilder(java.net.URI.create(site.httpUrl("/nginx-health")))
                .timeout(Duration.ofSeconds(10)).build());
        assertThat(health.body()).as("nginx runs " + version + "'s nginx.conf").isEqualTo(nginxHealth);
    }

    /** Whatever version: pages answer with all their assets, and so does the static fallback (as a browser asks). */
    private void assertWholePages(String at) {
        for (String path : List.of("/", "/drawings/7")) {
            Rehearsal.Page page = Downtime.asBrowser(() -> site.page(path));
            assertThat(page.html().statusCode()).as(at + ": " + page).isEqualTo(200);
            assertThat(page.brokenAssets()).as(at + ": " + page).isEmpty();
        }
        for (String asset : assetsOf(read(site.appDir().resolve("site/current/web/index.html")))) {
            assertThat(Downtime.asBrowser(() -> site.get(asset)).statusCode()).as(at + ": " + asset + " of the static fallback")
                    .isEqualTo(200);
        }
    }

    private static List<String> assetsOf(String html) {
        List<String> assets = new ArrayList<>();
        Matcher m = ASSET.matcher(html);
        while (m.find()) {
            assets.add(m.group(1));
        }
        return assets;
    }

    private String currentRelease() {
        try {
            return Files.readSymbolicLink(site.appDir().resolve("site/current")).getFileName().toString();
        } catch (IOException e) {
            return "";
        }
    }

    private List<String> releases() {
        return releasesAndIncoming().stream().filter(n -> !n.startsWith(".")).toList();
    }

    private List<String> releasesAndIncoming() {
        Path dir = site.appDir().resolve("site/releases");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private String envTag() {
        return read(site.appDir().resolve(".env")).lines().filter(l -> l.startsWith("IMAGE_TAG=")).map(l -> l.substring(10))
                .reduce((a, b) -> b).orElse("");
    }

    private String audit() {
        return read(site.appDir().resolve("deploy-audit.log"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

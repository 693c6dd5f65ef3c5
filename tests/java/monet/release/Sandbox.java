package monet.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import monet.config.Config;
import monet.host.HostTarget;
import monet.host.RemoteShell;
import monet.process.Cmd;
import monet.process.CmdResult;
import monet.testing.Moto;
import monet.testing.Repo;
import monet.testing.Tools;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * A whole release world in a temp directory: the app's repository (sources, CHANGELOG.md, a
 * tag), a sandbox "host" whose app directory the host scripts act on (with the recording
 * docker stand-in and the real aws CLI against moto on its PATH), a deploy bucket and app
 * secrets in moto, the site and GitHub's API on loopback.
 */
final class Sandbox implements AutoCloseable {
    static final String ACCOUNT = "123456789012";
    static final String COMPOSE = "docker-compose.prod.yml";
    static final String REGISTRY = ACCOUNT + ".dkr.ecr.us-east-1.amazonaws.com";
    static final String ECR_PASSWORD = ACCOUNT + "-auth-token";
    static final String TOKEN = "ghp_testtoken" + UUID.randomUUID().toString().substring(0, 8);

    final Path root;
    final Path repo;
    final Path app;
    final Path dockerState;
    final Path dockerLog;
    final Path npmLog;
    final String databaseUrl;
    final String bucket = "deploy-" + UUID.randomUUID().toString().substring(0, 8);
    final String parameters = "/monet-" + UUID.randomUUID().toString().substring(0, 8) + "/app/";
    final Moto moto = Moto.get();
    final S3Client s3;
    final EcrClient ecr;
    final FakeSite site;
    final FakeGitHub github;
    final Map<String, String> env = new HashMap<>();
    final Map<String, String> settings = new HashMap<>();

    Sandbox(Path root) throws IOException {
        Tools.require("aws");
        this.root = root;
        this.repo = Files.createDirectories(root.resolve("repo"));
        this.app = Files.createDirectories(root.resolve("host/home/ec2-user/app"));
        this.dockerState = root.resolve("docker-state");
        this.dockerLog = root.resolve("docker.log");
        this.npmLog = root.resolve("npm.log");
        this.databaseUrl = "sqlite:////data/db x'$(touch " + root.resolve("pwned") + ")'\"`id`.db";
        s3 = client(S3Client.builder().forcePathStyle(true));
        ecr = client(EcrClient.builder());
        site = new FakeSite(dockerState);
        github = new FakeGitHub("owner/app", TOKEN);

        env.putAll(moto.env());
        env.remove("AWS_PROFILE"); // an empty profile name makes the aws CLI fail
        env.put("PATH", Repo.file("tests/release/bin") + ":" + System.getenv("PATH"));
        env.put("DOCKER_STANDIN_LOG", dockerLog.toString());
        env.put("DOCKER_STANDIN_STATE", dockerState.toString());
        env.put("DOCKER_STANDIN_PASSWORD", ECR_PASSWORD);
        env.put("NPM_STANDIN_LOG", npmLog.toString());
        env.put("GITHUB_API_URL", github.url());
        env.put("GITHUB_TOKEN", TOKEN);

        settings.put("app.dir", app.toString());
        settings.put("deploy.bucket", bucket);
        settings.put("site.url", site.url());
        settings.put("verify.timeout", "2");
        settings.put("data.require-mount", "false"); // the sandbox's data is a plain directory
        settings.put("github.repository", "owner/app");
        settings.put("app.parameters", parameters);
        settings.put("e2e.command", "echo e2e ran with key of length ${#ANTHROPIC_API_KEY}");

        makeRepo();
        makeHost();
        makeCloud();
    }

    private <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>
            & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        return builder.endpointOverride(URI.create(moto.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    private void makeRepo() throws IOException {
        write(repo.resolve("server/Dockerfile"), "FROM python:3.12-slim\n");
        write(repo.resolve("web/Dockerfile"), "FROM node:20-slim\n");
        write(repo.resolve("web/package.json"), "{\"name\":\"web\",\"scripts\":{\"build\":\"vite build\"}}\n");
        write(repo.resolve("web/package-lock.json"), "{\"lockfileVersion\":3}\n");
        write(repo.resolve("CHANGELOG.md"), "# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2026-11-01\n\n### Added\n\n"
                + "- Drawing with watercolours.\n\n## [1.0.0] - 2026-10-01\n\n### Added\n\n- First release.\n");
        git("init", "-q", "-b", "main");
        git("add", "-A");
        git("commit", "-q", "-m", "app");
        git("tag", "-a", "v1.0.0", "-m", "v1.0.0");
        write(repo.resolve("server/app.py"), "print('watercolours')\n");
        git("add", "-A");
        git("commit", "-q", "-m", "Add watercolours");
        git("tag", "-a", "v1.1.0", "-m", "Release v1.1.0");
    }

    private void makeHost() throws IOException {
        write(app.resolve(".env"), "# production settings\nSES_SENDER_EMAIL=noreply@example.com\nIMAGE_TAG=1.0.0\n"
                + "ECR_REGISTRY=" + REGISTRY + "\nLOG_LEVEL=info\n");
        write(app.resolve(Sandbox.COMPOSE), "services: {}\n");
        Files.createDirectories(dockerState);
        write(dockerState.resolve("running"), "1.0.0\n");
    }

    private void makeCloud() {
        s3.createBucket(b -> b.bucket(bucket));
        s3.putObject(p -> p.bucket(bucket).key("config/" + Sandbox.COMPOSE), RequestBody.fromString("services: {nginx: {}}\n"));
        s3.putObject(p -> p.bucket(bucket).key("config/nginx.conf"), RequestBody.fromString("events {}\n"));
        s3.putObject(p -> p.bucket(bucket).key("web/index.html"), RequestBody.fromString("<html>1.1.0</html>"));
        try (SsmClient ssm = client(SsmClient.builder())) {
            ssm.putParameter(p -> p.name(parameters + "DATABASE_URL").type(ParameterType.SECURE_STRING).value(databaseUrl));
            ssm.putParameter(p -> p.name(parameters + "SESSION_SECRET").type(ParameterType.SECURE_STRING).value("s3ss10n"));
        }
    }

    /** The configuration as the script would load it, with this sandbox's settings. */
    Config config() {
        return Config.load(env, repo, settings);
    }

    /** The sandbox host: sh scripts run with the stand-ins and the aws CLI against moto. */
    RemoteShell host() {
        return new RemoteShell() {
            @Override
            public String target() {
                return "sandbox host";
            }

            @Override
            public RemoteResult run(RemoteCommand command) {
                Cmd cmd = Cmd.of("/bin/sh", "-c", command.script()).timeout(command.timeout())
                        .onStdout(command.stdout()).onStderr(command.stderr()).nothrow().env(env);
                CmdResult r = cmd.run();
                return new RemoteResult(r.exitCode(), r.stdout(), r.stderr());
            }
        };
    }

    ReleaseContext context(String version) {
        return context(version, false);
    }

    ReleaseContext context(String version, boolean dryRun) {
        return new ReleaseContext(config(), repo, dryRun, version,
                new HostTarget("the sandbox host", this::host))
                .localEnv(env).clients(s3, ecr);
    }

    Stages stages(String version) {
        return new Stages(context(version), Set.of());
    }

    String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> dockerCalls() {
        return Files.exists(dockerLog) ? read(dockerLog).lines().filter(l -> l.startsWith("start\t"))
                .map(l -> l.substring(6).replace('\t', ' ')).toList() : List.of();
    }

    String git(String... args) {
        Cmd cmd = Cmd.of(java.util.stream.Stream.concat(java.util.stream.Stream.of("git"), java.util.Arrays.stream(args)).toList())
                .dir(repo).env("GIT_AUTHOR_NAME", "Test").env("GIT_AUTHOR_EMAIL", "t@example.com")
                .env("GIT_COMMITTER_NAME", "Test").env("GIT_COMMITTER_EMAIL", "t@example.com");
        return cmd.run().out();
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        site.close();
        github.close();
        s3.close();
        ecr.close();
    }
}

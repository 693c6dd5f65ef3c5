package monet.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import monet.process.Cmd;
import monet.process.CmdResult;
import monet.testing.Repo;
import monet.testing.Tools;

/**
 * A copy of {@code infrastructure/} in a temporary directory (so no {@code .terraform} or state
 * is ever left in the repository) and the real {@code terraform} run in it, initialised from
 * the machine's provider mirror when there is one (plain {@code init} otherwise).
 */
final class TerraformDir {
    /** Where machine images of this project's kind keep the provider mirror. */
    static final List<Path> MIRRORS = List.of(Path.of("/opt/tf-plugins"), Path.of("/usr/share/terraform/plugins"),
            Path.of(System.getProperty("user.home"), ".terraform.d/plugins"));

    final Path dir;
    private final Path cliConfig;
    private final Map<String, String> env = new LinkedHashMap<>();

    private TerraformDir(Path dir, Path cliConfig) {
        this.dir = dir;
        this.cliConfig = cliConfig;
    }

    /** Copies the repository's infrastructure/ (its files, not its subfolders) into a new temporary directory. */
    static TerraformDir copyOfInfrastructure() {
        return copyOf(Repo.file("infrastructure"));
    }

    /** Copies a Terraform root's files (not its subfolders) into a new temporary directory. */
    static TerraformDir copyOf(Path root) {
        Tools.require("terraform");
        try {
            Path dir = Files.createTempDirectory("monet-tf");
            try (Stream<Path> files = Files.list(root)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, dir.resolve(file.getFileName()));
                }
            }
            Path cliConfig = dir.resolveSibling(dir.getFileName() + ".tfrc");
            Path mirror = mirror();
            Files.writeString(cliConfig, mirror == null ? ""
                    : "provider_installation {\n  filesystem_mirror {\n    path = \"" + mirror + "\"\n  }\n}\n");
            return new TerraformDir(dir, cliConfig);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder holding registry.terraform.io/hashicorp/aws, or null. */
    static Path mirror() {
        return MIRRORS.stream().filter(m -> Files.isDirectory(m.resolve("registry.terraform.io/hashicorp/aws"))).findFirst().orElse(null);
    }

    /**
     * Another copy of this directory's files (overrides and lock file included) that uses this
     * one's initialised providers (TF_DATA_DIR): it can plan at the same time without an init.
     */
    TerraformDir twin() {
        try {
            Path other = Files.createTempDirectory("monet-tf");
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("terraform.tfstate")).toList()) {
                    Files.copy(file, other.resolve(file.getFileName()));
                }
            }
            TerraformDir twin = new TerraformDir(other, cliConfig);
            twin.env.putAll(env);
            twin.env.put("TF_DATA_DIR", dir.resolve(".terraform").toString());
            return twin;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An environment variable for every terraform run. */
    TerraformDir env(Map<String, String> values) {
        env.putAll(values);
        return this;
    }

    /** Writes a file into the copy (an override file, for instance). */
    TerraformDir write(String name, String text) {
        try {
            Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** {@code terraform ARGS...} in the copy; throws with the output's tail on failure. */
    CmdResult run(String... args) {
        return cmd(args).run();
    }

    /** The command, to adjust before running. */
    Cmd cmd(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add("terraform");
        argv.addAll(List.of(args));
        Cmd cmd = Cmd.of(argv).dir(dir).timeout(Duration.ofMinutes(5))
                .env("TF_CLI_CONFIG_FILE", cliConfig.toString())
                .env("TF_IN_AUTOMATION", "1")
                .env("TF_INPUT", "0")
                .env("CHECKPOINT_DISABLE", "1");
        return cmd.env(env);
    }

    /** The CLI config file (provider mirror) the runs use. */
    Path cliConfig() {
        return cliConfig;
    }
}

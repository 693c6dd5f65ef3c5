package monet.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import monet.process.Cmd;
import monet.process.CmdResult;
import monet.testing.Repo;
import monet.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** shellcheck on every shell file of the repository, and user_data.sh's data-volume logic on a real volume. */
class ShellFilesTest {
    static final Path USER_DATA = Repo.file("infrastructure/user_data.sh");

    @TempDir
    Path tmp;

    @Test
    void everyShellFilePassesShellcheck() throws IOException {
        Path shellcheck = Tools.require("shellcheck");
        List<String> files = shellFiles();
        assertThat(files).contains("jbang", ".ci/install", ".ci/run", "infrastructure/user_data.sh");
        List<String> argv = new ArrayList<>(List.of(shellcheck.toString(), "--external-sources", "--format=gcc"));
        argv.addAll(files);
        CmdResult result = Cmd.of(argv).dir(Repo.root()).nothrow().run();
        assertThat(result.exitCode()).as("shellcheck:\n" + result.stdout() + result.stderr()).isZero();
    }

    /** Files tracked (or new and not ignored) whose name ends in .sh/.bash or whose shebang runs a shell. */
    static List<String> shellFiles() throws IOException {
        String listed = Cmd.of("git", "ls-files", "--cached", "--others", "--exclude-standard").dir(Repo.root()).run().stdout();
        List<String> shell = new ArrayList<>();
        for (String name : listed.split("\n")) {
            Path file = Repo.file(name);
            if (name.isBlank() || !Files.isRegularFile(file)) {
                continue;
            }
            String firstLine;
            try (var lines = Files.lines(file)) {
                firstLine = lines.findFirst().orElse("");
            } catch (java.io.UncheckedIOException binary) {
                continue;
            }
            if (name.endsWith(".sh") || name.endsWith(".bash") || firstLine.matches("#!\\s*\\S*(/|env\\s+)(ba|da)?sh\\b.*")) {
                shell.add(name);
            }
        }
        return shell;
    }

    @Test
    void dataVolumeIsFormattedOnceAndKeptOnTheNextBoot() throws Exception {
        Tools.require("mkfs.ext4");
        Path image = tmp.resolve("data.img");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(64L * 1024 * 1024);
        }
        Path fstab = tmp.resolve("fstab");
        Path mount = tmp.resolve("data");
        Files.writeString(fstab, "UUID=1111-root / xfs defaults,noatime 0 1\nUUID=old-volume " + mount + " xfs defaults 0 2\n");
        String loop = attachLoop(image);
        if (loop == null) {
            // No loop devices here (an unprivileged container): the same decision logic on the
            // image file itself, without the mount.
            bootstrap("ensure_filesystem \"$1\" ext4", image.toString());
            String uuid = uuid(image.toString());
            bootstrap("ensure_filesystem \"$1\" ext4", image.toString());
            assertThat(uuid(image.toString())).as("a second boot must not format again").isEqualTo(uuid);
            return;
        }
        try {
            String first = bootstrap("mount_data_volume \"$1\" \"$2\" \"$3\" ext4", loop, mount.toString(), fstab.toString());
            assertThat(first).contains("is blank: creating ext4");
            String uuid = uuid(loop);
            assertThat(Files.readAllLines(fstab)).containsExactly("UUID=1111-root / xfs defaults,noatime 0 1",
                    "UUID=" + uuid + " " + mount + " ext4 defaults,nofail 0 2");
            assertThat(Cmd.of("mountpoint", "-q", mount.toString()).nothrow().run().exitCode()).isZero();
            Files.writeString(mount.resolve("code_monet.db"), "drawings");
            Cmd.of("umount", mount.toString()).run();

            // The instance is replaced: the same volume, a new boot.
            String second = bootstrap("mount_data_volume \"$1\" \"$2\" \"$3\" ext4", loop, mount.toString(), fstab.toString());
            assertThat(second).contains("already has a filesystem: keeping it").doesNotContain("creating");
            assertThat(uuid(loop)).isEqualTo(uuid);
            assertThat(Files.readString(mount.resolve("code_monet.db"))).isEqualTo("drawings");
            assertThat(Files.readAllLines(fstab)).hasSize(2);
        } finally {
            Cmd.of("umount", mount.toString()).nothrow().run();
            Cmd.of("losetup", "-d", loop).nothrow().run();
        }
    }

    @Test
    void aDeviceThatCannotBeProbedIsNeverFormatted() {
        CmdResult result = Cmd.of("bash", "-c", "source \"$1\"; ensure_filesystem \"$2\" ext4", "bash", USER_DATA.toString(),
                tmp.resolve("no-such-device").toString()).nothrow().run();
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("refusing to format");
    }

    @Test
    void appEnvComesFromTheParametersAndKeepsTheDeploysLines() throws Exception {
        Path env = tmp.resolve(".env");
        Files.writeString(env, "IMAGE_TAG=v1.4.0\nECR_REGISTRY=123456789012.dkr.ecr.us-east-1.amazonaws.com\nREMOVED_SECRET=stale\n");
        // What `aws ssm get-parameters-by-path --output text --query 'Parameters[].[Name,Value]'` prints.
        String parameters = "/monet/app/DATABASE_URL\tsqlite:////app/data/code_monet.db\n"
                + "/monet/app/ANTHROPIC_API_KEY\tsk-ant $(touch PWNED) x\n"
                + "/monet/app/IMAGE_TAG\tv0.0.1\n";
        Cmd.of("bash", "-c", "set -euo pipefail; source \"$1\"; merge_env_file \"$2\"", "bash", USER_DATA.toString(), env.toString())
                .stdin(parameters).dir(tmp).run();
        assertThat(Files.readAllLines(env)).containsExactly("IMAGE_TAG=v1.4.0", "ECR_REGISTRY=123456789012.dkr.ecr.us-east-1.amazonaws.com",
                "DATABASE_URL=sqlite:////app/data/code_monet.db", "ANTHROPIC_API_KEY=sk-ant $(touch PWNED) x");
        assertThat(java.nio.file.Files.getPosixFilePermissions(env)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(tmp.resolve("PWNED")).doesNotExist();

        String before = Files.readString(env);
        CmdResult bad = Cmd.of("bash", "-c", "set -euo pipefail; source \"$1\"; merge_env_file \"$2\"", "bash", USER_DATA.toString(), env.toString())
                .stdin("/monet/app/not-a-name;rm\tx\n").nothrow().run();
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.stderr()).contains("is not a valid variable name");
        assertThat(Files.readString(env)).isEqualTo(before);
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(".env");
        }
    }

    private static String attachLoop(Path image) {
        if (Tools.find("losetup") == null) {
            return null;
        }
        CmdResult attached = Cmd.of("losetup", "--find", "--show", image.toString()).nothrow().run();
        return attached.exitCode() == 0 ? attached.stdout().strip() : null;
    }

    /** Sources user_data.sh (which then runs nothing) and runs SCRIPT with ARGS as $1...; returns stderr (its log). */
    private static String bootstrap(String script, String... args) {
        // $0 is "bash", as when a shell sources the file: user_data.sh then defines its functions only.
        List<String> argv = new ArrayList<>(List.of("bash", "-c", "set -euo pipefail; source \"$1\"; shift; " + script, "bash", USER_DATA.toString()));
        argv.addAll(List.of(args));
        return Cmd.of(argv).run().stderr();
    }

    private static String uuid(String device) {
        return Cmd.of("blkid", "-p", "-s", "UUID", "-o", "value", device).run().stdout().strip();
    }
}

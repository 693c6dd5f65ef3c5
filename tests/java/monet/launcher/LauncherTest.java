package monet.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import monet.process.Cmd;
import monet.process.CmdResult;
import monet.testing.JBang;
import monet.testing.Repo;
import monet.testing.Tools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real ./jbang launcher, as a newcomer runs it: no JBang installed, empty caches. */
class LauncherTest {
    private static final List<String> ALIASES = List.of("remote", "release", "changelog", "ses-test");

    @TempDir
    Path temp;

    /** PATH with java and mvn but no jbang. */
    private static String cleanPath;

    @BeforeAll
    static void findTools() {
        Path java = Tools.require("java").toAbsolutePath();
        Path mvn = Tools.require("mvn").toAbsolutePath();
        cleanPath = String.join(":", java.getParent().toString(), mvn.getParent().toString(), "/usr/bin", "/bin");
    }

    private Cmd launcher(Path launcher, String... args) {
        return Cmd.of(Stream.concat(Stream.of(launcher.toString()), Stream.of(args)).toList())
                .env("PATH", cleanPath).env("NO_COLOR", "1").env("MONET_CONSOLE", "plain").nothrow()
                .timeout(java.time.Duration.ofMinutes(5));
    }

    @Test
    void bootstrapsJBangOnceFromEmptyCachesAndRunsEveryAlias() throws IOException {
        Path launcherHome = temp.resolve("launcher-home");
        Path jbangHome = temp.resolve("jbang-home");
        Cmd first = launcher(Repo.file("jbang"), "changelog", "--help")
                .env("MONET_JBANG_HOME", launcherHome.toString()).env("JBANG_DIR", jbangHome.toString()).dir(Repo.root());
        CmdResult result = first.run();
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr()).containsOnlyOnce("fetching JBang");
        assertThat(result.stdout()).contains("Usage: changelog");
        try (Stream<Path> jars = Files.list(launcherHome.resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("jbang-cli-"))
                    .anyMatch(n -> n.startsWith("gson-2.13"));
        }
        for (String alias : ALIASES) {
            CmdResult help = launcher(Repo.file("jbang"), alias, "--help")
                    .env("MONET_JBANG_HOME", launcherHome.toString()).env("JBANG_DIR", jbangHome.toString())
                    .dir(Repo.root()).run();
            assertThat(help.exitCode()).as(alias + ": " + help.stderr()).isZero();
            assertThat(help.stdout()).contains("Usage: " + alias).contains("config");
            assertThat(help.stderr()).doesNotContain("fetching JBang");
        }
    }

    @Test
    void aliasAtMonetWorksFromAnotherDirectoryAfterCatalogAdd() throws IOException {
        Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
        // The shared home: the scripts are already compiled there, and a catalog entry harms nothing
        // (--force: an earlier run of this test may have added it).
        Path jbangHome = JBang.sharedHome();
        CmdResult add = JBang.run("catalog", "add", "--global", "--force", "--name", "monet", Repo.file("jbang-catalog.json").toString())
                .home(jbangHome).in(elsewhere).call();
        assertThat(add.exitCode()).as(add.stderr()).isZero();
        for (String alias : ALIASES) {
            CmdResult help = JBang.run(alias + "@monet", "--help").home(jbangHome).in(elsewhere).call();
            assertThat(help.exitCode()).as(alias + ": " + help.stderr()).isZero();
            assertThat(help.stdout()).contains("Usage: " + alias);
        }
        CmdResult unknownAlias = JBang.run("nosuch@monet").home(jbangHome).in(elsewhere).call();
        assertThat(unknownAlias.exitCode()).isEqualTo(2);
        assertThat(unknownAlias.stderr()).contains("nosuch");
    }

    /** A CI workspace or the application's repository: no jbang-catalog.json there, relative paths the caller's. */
    @Test
    void everyAliasWorksFromAnyDirectoryWithPathsRelativeToIt() throws IOException {
        Path app = Files.createDirectories(temp.resolve("my app"));
        Files.createDirectories(app.resolve("notes dir"));
        Files.copy(Repo.file("tests/resources/changelog/invalid-everything.md"), app.resolve("notes dir/CHANGELOG.md"));
        Files.copy(Repo.file("tests/resources/changelog/invalid-everything.md"), app.resolve("CHANGELOG.md"));
        for (String alias : ALIASES) {
            CmdResult help = JBang.run(alias, "--help").in(app).call();
            assertThat(help.exitCode()).as(alias + ": " + help.stderr()).isZero();
            assertThat(help.stdout()).contains("Usage: " + alias).contains("Exit codes:").containsPattern("\\n +0 +ok\\n")
                    .containsPattern("\\n +2 +usage error\\n");
        }
        CmdResult relative = JBang.run("changelog", "lint", "-f", "notes dir/CHANGELOG.md").in(app).call();
        assertThat(relative.exitCode()).as(relative.stderr()).isEqualTo(1);
        assertThat(relative.stdout()).contains("notes dir/CHANGELOG.md:5:5: unknown section type 'Fix'");
        // The default file is the caller's ./CHANGELOG.md, not the toolkit's (which passes lint).
        CmdResult byDefault = JBang.run("--quiet", "changelog", "lint").in(app).call();
        assertThat(byDefault.exitCode()).as(byDefault.stderr()).isEqualTo(1);
        assertThat(byDefault.stdout()).contains("CHANGELOG.md:5:5: unknown section type 'Fix'");

        // A toolkit in a folder whose path has spaces, found through a symbolic link.
        Path toolkit = temp.resolve("tool kit");
        copyTree(Repo.root(), toolkit, List.of("jbang", "jbang-catalog.json", "scripts", "lib"));
        Path link = Files.createSymbolicLink(temp.resolve("jbang-link"), toolkit.resolve("jbang"));
        CmdResult spaced = launcher(link, "changelog", "lint", "-f", "notes dir/CHANGELOG.md")
                .env("JBANG_DIR", JBang.sharedHome().toString()).dir(app).run();
        assertThat(spaced.exitCode()).as(spaced.stderr()).isEqualTo(1);
        assertThat(spaced.stdout()).contains("notes dir/CHANGELOG.md:5:5: unknown section type 'Fix'");
    }

    /** Only the script's name is the launcher's business: anything else reaches JBang as it was typed. */
    @Test
    void otherScriptsAndArgumentsAreLeftToJBang() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("scripts here"));
        Files.writeString(dir.resolve("hello.java"), "class hello { public static void main(String... a) {"
                + " System.out.println(\"hello \" + String.join(\",\", a)); } }\n");
        CmdResult hello = JBang.run("hello.java", "changelog", "remote", "-f", "x").in(dir).call();
        assertThat(hello.exitCode()).as(hello.stderr()).isZero();
        assertThat(hello.stdout()).isEqualTo("hello changelog,remote,-f,x\n");
        // A file named like an alias, where the user is, is what JBang runs (as it would without this launcher).
        Files.writeString(dir.resolve("changelog"), "class changelog { public static void main(String... a) {"
                + " System.out.println(\"the local changelog\"); } }\n");
        CmdResult local = JBang.run("changelog", "lint").in(dir).call();
        assertThat(local.stdout()).as(local.stderr()).isEqualTo("the local changelog\n");
        CmdResult unknown = JBang.run("no-such-script").in(dir).call();
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("Script or alias could not be found or read: 'no-such-script'");
    }

    @Test
    void editsToAScriptOrToALibraryFileTakeEffectOnTheNextRun() throws IOException {
        Path copy = temp.resolve("repo");
        copyTree(Repo.root(), copy, List.of("jbang", "jbang-catalog.json", "scripts", "lib"));
        Path jbangHome = temp.resolve("jbang-home");
        Cmd run = launcher(copy.resolve("jbang"), "changelog", "--help").env("JBANG_DIR", jbangHome.toString()).dir(copy);
        assertThat(run.run().stdout()).contains("Show the configuration");

        Path script = copy.resolve("scripts/changelog.java");
        Files.writeString(script, Files.readString(script).replace("@Command(name = \"changelog\",",
                "@Command(name = \"changelog\", header = \"EDITED-SCRIPT-HEADER\","));
        assertThat(launcher(copy.resolve("jbang"), "changelog", "--help").env("JBANG_DIR", jbangHome.toString()).dir(copy)
                .run().stdout()).contains("EDITED-SCRIPT-HEADER");

        Path lib = copy.resolve("lib/monet/cli/ConfigCommand.java");
        String original = Files.readString(lib);
        assertThat(original).contains("Show the configuration:");
        Files.writeString(lib, original.replace("Show the configuration:", "Show the EDITED-LIB configuration:"));
        assertThat(launcher(copy.resolve("jbang"), "changelog", "--help").env("JBANG_DIR", jbangHome.toString()).dir(copy)
                .run().stdout()).contains("EDITED-LIB");
    }

    @Test
    void scriptsRunAloneThroughTheirShebang() {
        Path root = Repo.root();
        for (String alias : ALIASES) {
            Path script = root.resolve("scripts/" + alias + ".java");
            assertThat(Files.isExecutable(script)).as(script + " is executable").isTrue();
            CmdResult result = Cmd.of(script.toString(), "--help")
                    .env("PATH", root + ":" + cleanPath).env("JBANG_DIR", JBang.sharedHome().toString())
                    .env("NO_COLOR", "1").nothrow().timeout(java.time.Duration.ofMinutes(5)).run();
            assertThat(result.exitCode()).as(alias + ": " + result.stderr()).isZero();
            assertThat(result.stdout()).contains("Usage: " + alias);
        }
    }

    @Test
    void scriptsHaveTheHeadersJBangAndTheCatalogNeed() throws IOException {
        // The launcher runs alias NAME as scripts/NAME.java from any directory: the catalog must agree.
        JsonNode aliases = new ObjectMapper().readTree(Repo.file("jbang-catalog.json").toFile()).get("aliases");
        Map<String, String> scriptRefs = new TreeMap<>();
        aliases.fields().forEachRemaining(alias -> scriptRefs.put(alias.getKey(), alias.getValue().get("script-ref").asText()));
        Map<String, String> expected = new TreeMap<>();
        for (String alias : ALIASES) {
            expected.put(alias, "scripts/" + alias + ".java");
            List<String> lines = Files.readAllLines(Repo.file("scripts/" + alias + ".java"));
            assertThat(lines.get(0)).isEqualTo("///usr/bin/env jbang \"$0\" \"$@\" ; exit $?");
            assertThat(lines).contains("//JAVA 17+").anyMatch(l -> l.startsWith("//DESCRIPTION "));
        }
        assertThat(scriptRefs).isEqualTo(expected);
        try (Stream<Path> scripts = Files.list(Repo.file("scripts"))) {
            assertThat(scripts.map(p -> p.getFileName().toString().replace(".java", ""))).containsExactlyInAnyOrderElementsOf(ALIASES);
        }
    }

    @Test
    void usageErrorsExitTwoWithUsageOnStderr() {
        CmdResult unknownOption = JBang.run("remote", "--no-such-option").call();
        assertThat(unknownOption.exitCode()).isEqualTo(2);
        assertThat(unknownOption.stderr()).contains("Unknown option: '--no-such-option'").contains("Usage: remote");
        CmdResult noCommand = JBang.run("release").call();
        assertThat(noCommand.exitCode()).isEqualTo(2);
        assertThat(noCommand.stderr()).contains("Missing required subcommand").contains("Usage: release");
        // A subcommand's help states the exit codes too: the script's, declared once on its top command.
        CmdResult subcommandHelp = JBang.run("remote", "status", "--help").call();
        assertThat(subcommandHelp.stdout()).contains("Usage: remote status").contains("Exit codes:")
                .containsPattern("\\n +1 +failure \\(transport, or any instance of --all\\)\\n").containsPattern("\\n +2 +usage error\\n");
        CmdResult unknownCommand = JBang.run("changelog", "frobnicate").call();
        assertThat(unknownCommand.exitCode()).isEqualTo(2);
        assertThat(unknownCommand.stderr()).contains("frobnicate").contains("Usage: changelog");
        CmdResult unknownAlias = JBang.run("no-such-alias").call();
        assertThat(unknownAlias.exitCode()).isEqualTo(2);
        assertThat(unknownAlias.stderr()).contains("no-such-alias");
        CmdResult badConfig = JBang.run("remote", "config", "--set", "instance.tagg=x").call();
        assertThat(badConfig.exitCode()).isEqualTo(2);
        assertThat(badConfig.stderr()).contains("unknown configuration key 'instance.tagg'").contains("did you mean 'instance.tag'");
    }

    @Test
    void aJBangAlreadyOnPathIsUsed() throws IOException {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path fake = bin.resolve("jbang");
        Files.writeString(fake, "#!/bin/sh\necho \"installed jbang got: $*\"\nexit 7\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        CmdResult result = launcher(Repo.file("jbang"), "remote", "logs").env("PATH", bin + ":" + cleanPath).run();
        // An alias reaches it as the toolkit's script, so that it too works from any directory.
        assertThat(result.stdout()).contains("installed jbang got: " + Repo.file("scripts/remote.java") + " logs");
        assertThat(result.exitCode()).isEqualTo(7);
    }

    @Test
    void missingJavaOrMavenOrAnOldJavaIsOneClearLine() throws IOException {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        for (String tool : List.of("bash", "readlink", "grep", "sed", "mktemp", "dirname", "rm", "mv", "mkdir", "touch", "tail", "cat", "stat")) {
            Path real = Tools.find(tool);
            Files.copy(real, bin.resolve(tool), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Path launcherHome = temp.resolve("empty-launcher-home");
        CmdResult noJava = Cmd.of("/bin/bash", Repo.file("jbang").toString(), "--help").env("PATH", bin.toString())
                .env("JAVA_HOME", "").env("MONET_JBANG_HOME", launcherHome.toString()).nothrow().run();
        assertThat(noJava.exitCode()).isEqualTo(1);
        assertThat(noJava.stderr().strip()).startsWith("jbang launcher: Java 17 or newer is required").doesNotContain("\n");

        Files.writeString(bin.resolve("java"), "#!/bin/bash\nexec " + Tools.require("java").toRealPath() + " \"$@\"\n");
        Files.setPosixFilePermissions(bin.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        CmdResult noMaven = Cmd.of("/bin/bash", Repo.file("jbang").toString(), "--help").env("PATH", bin.toString())
                .env("JAVA_HOME", "").env("MONET_JBANG_HOME", launcherHome.toString()).nothrow().run();
        assertThat(noMaven.exitCode()).isEqualTo(1);
        assertThat(noMaven.stderr().strip()).startsWith("jbang launcher: Maven is required").doesNotContain("\n");

        Files.delete(bin.resolve("java"));
        Path oldJava = bin.resolve("java");
        Files.writeString(oldJava, "#!/bin/bash\necho '    java.specification.version = 11' >&2\n");
        Files.setPosixFilePermissions(oldJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        CmdResult old = Cmd.of("/bin/bash", Repo.file("jbang").toString(), "--help").env("PATH", bin.toString())
                .env("JAVA_HOME", "").env("MONET_JBANG_HOME", launcherHome.toString()).nothrow().run();
        assertThat(old.exitCode()).isEqualTo(1);
        assertThat(old.stderr()).contains("Java 17 or newer is required, found 11");
    }

    @Test
    void interactiveOpensJShellWithTheLibraryLoaded() {
        // changelog's own share of the library has no pipeline and no AWS: jshell gets all of it.
        CmdResult result = JBang.run("--interactive", "scripts/changelog.java")
                .stdin("monet.process.Shell.quote(\"it's\")\nmonet.pipeline.Pipeline.named(\"adhoc\").step(monet.pipeline.Step.named(\"hello\").action(c -> {})).run().ok()\n"
                        + "monet.aws.Aws.class.getSimpleName() + software.amazon.awssdk.services.ses.SesClient.SERVICE_NAME\n/exit\n")
                .call();
        assertThat(result.stdout()).contains("\"'it'\\\\''s'\"").contains("==> true").contains("==> \"Awsses\"")
                .doesNotContain("does not exist");
    }

    private static void copyTree(Path from, Path to, List<String> entries) throws IOException {
        for (String entry : entries) {
            Path source = from.resolve(entry);
            try (Stream<Path> walk = Files.walk(source)) {
                for (Path path : (Iterable<Path>) walk::iterator) {
                    Path target = to.resolve(from.relativize(path).toString());
                    if (Files.isDirectory(path)) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
    }
}

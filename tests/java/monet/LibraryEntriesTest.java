package monet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import monet.testing.Repo;
import org.junit.jupiter.api.Test;

/**
 * The library's entries (lib/monet/package-info.java and lib/monet/PKG/package-info.java, see
 * docs/library.md): one per package, each script sources exactly the entries of the packages it
 * uses directly or through another package, every file a package ships is in its entry, and the
 * versions are written once and match pom.xml.
 */
class LibraryEntriesTest {
    private static final Path LIB = Repo.file("lib/monet");
    private static final Pattern PACKAGE_REFERENCE = Pattern.compile("\\bmonet\\.(?:([a-z]+)\\.[A-Z*]|(MonetException)\\b)");
    private static final Pattern DEPS = Pattern.compile("^//DEPS (\\S+)$", Pattern.MULTILINE);
    private static final Pattern SOURCES = Pattern.compile("^//SOURCES (\\S+)$", Pattern.MULTILINE);
    private static final Pattern FILES = Pattern.compile("^//FILES (\\S+)=(\\S+)$", Pattern.MULTILINE);

    @Test
    void everyPackageHasAnEntryThatSourcesItsOwnFilesOnly() throws IOException {
        for (Map.Entry<String, Path> pkg : packages().entrySet()) {
            Path entry = pkg.getValue().resolve("package-info.java");
            assertThat(entry).as("the entry of %s", pkg.getKey()).isRegularFile();
            String text = Files.readString(entry);
            List<String> sources = all(SOURCES, text);
            if (pkg.getKey().equals("monet")) {
                // Its folder holds every other package and Monet.java (everything): name the files.
                assertThat(sources).as(entry + " //SOURCES").containsExactly("MonetException.java");
            } else {
                assertThat(sources).as(entry + " //SOURCES").containsExactly("*.java");
            }
            assertThat(text).as(entry.toString()).contains("package " + pkg.getKey() + ";");
        }
    }

    @Test
    void eachScriptSourcesTheEntriesOfExactlyThePackagesItNeeds() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        for (Map.Entry<String, Path> pkg : packages().entrySet()) {
            uses.put(pkg.getKey(), referencedPackages(javaFiles(pkg.getValue(), pkg.getKey().equals("monet"))));
        }
        try (Stream<Path> scripts = Files.list(Repo.file("scripts"))) {
            for (Path script : scripts.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                Set<String> needed = closure(referencedPackages(List.of(script)), uses);
                Set<String> sourced = new TreeSet<>();
                for (String line : all(SOURCES, Files.readString(script))) {
                    Path entry = script.getParent().resolve(line).normalize();
                    assertThat(entry.getFileName().toString()).as(script + ": //SOURCES " + line + " is an entry").isEqualTo("package-info.java");
                    sourced.add(packageOf(entry.getParent()));
                }
                Set<String> missing = new TreeSet<>(needed);
                missing.removeAll(sourced);
                Set<String> extra = new TreeSet<>(sourced);
                extra.removeAll(needed);
                assertThat(missing).as("%s needs these packages (directly or through another package) but does not source"
                        + " their entries: add %s", script.getFileName(), missing.stream().map(LibraryEntriesTest::sourcesLine).toList()).isEmpty();
                assertThat(extra).as("%s sources entries of packages it does not use: remove %s", script.getFileName(),
                        extra.stream().map(LibraryEntriesTest::sourcesLine).toList()).isEmpty();
            }
        }
    }

    @Test
    void theWholeLibraryEntrySourcesEveryEntry() throws IOException {
        String everything = Files.readString(LIB.resolve("Monet.java"));
        assertThat(all(SOURCES, everything)).containsExactly("package-info.java", "*/package-info.java");
        assertThat(everything).doesNotContain("//DEPS");
    }

    @Test
    void everyFileAPackageShipsIsInItsEntry() throws IOException {
        for (Map.Entry<String, Path> pkg : packages().entrySet()) {
            if (pkg.getKey().equals("monet")) {
                continue;
            }
            String target = pkg.getKey().replace('.', '/') + "/";
            List<java.nio.file.PathMatcher> shipped = new ArrayList<>();
            Matcher files = FILES.matcher(Files.readString(pkg.getValue().resolve("package-info.java")));
            while (files.find()) {
                assertThat(files.group(1)).as("%s: //FILES %s=%s puts the files beside the package's classes", pkg.getKey(),
                        files.group(1), files.group(2)).isEqualTo(target);
                shipped.add(FileSystems.getDefault().getPathMatcher("glob:" + files.group(2)));
            }
            try (Stream<Path> list = Files.list(pkg.getValue())) {
                for (Path file : list.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".java")).toList()) {
                    assertThat(shipped).as("%s is not in %s's entry (JBang would leave it out of the scripts' jars):"
                            + " add //FILES %s=*.%s", file, pkg.getKey(), target, extension(file))
                            .anyMatch(m -> m.matches(file.getFileName()));
                }
            }
        }
    }

    /**
     * A package's entry names every library its code imports, unless a package it uses names it (picocli
     * comes with monet.cli, whose commands are picocli's): a script that sources a package's entry and
     * those of the packages it uses has all it needs, whatever else the script sources.
     */
    @Test
    void eachLibraryAPackageImportsIsInItsEntryOrInTheEntryOfAPackageItUses() throws IOException {
        Pattern imported = Pattern.compile("^import (?:static )?((?:picocli|org\\.zeroturnaround|com\\.fasterxml|software\\.amazon\\.awssdk)[\\w.]*)",
                Pattern.MULTILINE);
        Map<String, Set<String>> declaredBy = new TreeMap<>();
        for (Map.Entry<String, Path> pkg : packages().entrySet()) {
            Set<String> declared = new TreeSet<>();
            for (String dep : all(DEPS, Files.readString(pkg.getValue().resolve("package-info.java")))) {
                String[] gav = dep.split(":");
                declared.add(gav[0] + ":" + gav[1]);
            }
            declaredBy.put(pkg.getKey(), declared);
        }
        for (Map.Entry<String, Path> pkg : packages().entrySet()) {
            List<Path> files = javaFiles(pkg.getValue(), pkg.getKey().equals("monet"));
            Set<String> declared = new TreeSet<>();
            referencedPackages(files).forEach(used -> declared.addAll(declaredBy.getOrDefault(used, Set.of())));
            for (Path file : files) {
                Matcher matcher = imported.matcher(Files.readString(file));
                while (matcher.find()) {
                    String library = libraryOf(matcher.group(1));
                    boolean found = library.endsWith(":*")
                            ? declared.stream().anyMatch(d -> d.startsWith(library.substring(0, library.length() - 1)))
                            : declared.contains(library);
                    assertThat(found).as("%s imports %s: add //DEPS %s to %s's entry", file.getFileName(), matcher.group(1),
                            library.replace(":*", ":MODULE"), pkg.getKey()).isTrue();
                }
            }
        }
    }

    /** The Maven module an import comes from (group:* for the AWS SDK's core, which every SDK module brings). */
    private static String libraryOf(String name) {
        if (name.startsWith("picocli")) {
            return "info.picocli:picocli";
        } else if (name.startsWith("org.zeroturnaround")) {
            return "org.zeroturnaround:zt-exec";
        } else if (name.startsWith("com.fasterxml.jackson")) {
            return "com.fasterxml.jackson.core:jackson-databind";
        } else if (name.startsWith("software.amazon.awssdk.services.")) {
            return "software.amazon.awssdk:" + name.split("\\.")[4];
        } else if (name.startsWith("software.amazon.awssdk.http.urlconnection")) {
            return "software.amazon.awssdk:url-connection-client";
        }
        return "software.amazon.awssdk:*";
    }

    /** Versions: BOMs in the lowest entry, any other version written once; pom.xml builds with the same. */
    @Test
    void versionsAreWrittenOnceAndPomXmlMirrorsThem() throws IOException {
        String pom = Files.readString(Repo.file("pom.xml"));
        Map<String, String> properties = new LinkedHashMap<>();
        Matcher property = Pattern.compile("<([\\w.-]+)>([^<]+)</\\1>").matcher(pom.substring(pom.indexOf("<properties>"), pom.indexOf("</properties>")));
        while (property.find()) {
            properties.put(property.group(1), property.group(2));
        }
        Map<String, String> pomBoms = pomDependencies(pom.substring(pom.indexOf("<dependencyManagement>"), pom.indexOf("</dependencyManagement>")), properties);
        Map<String, String> pomDeps = pomDependencies(pom.substring(pom.indexOf("</dependencyManagement>"), pom.indexOf("<build>")), properties);

        Map<String, String> versionedIn = new TreeMap<>();
        Set<String> declared = new TreeSet<>();
        for (Map.Entry<String, Path> pkg : packages().entrySet()) {
            String entry = pkg.getKey();
            for (String dep : all(DEPS, Files.readString(pkg.getValue().resolve("package-info.java")))) {
                String[] gav = dep.split(":");
                String ga = gav[0] + ":" + gav[1];
                if (dep.endsWith("@pom")) {
                    assertThat(entry).as("the BOM %s belongs in the lowest entry, lib/monet/package-info.java", dep).isEqualTo("monet");
                    assertThat(pomBoms).as("pom.xml imports the BOM %s", ga).containsEntry(ga, gav[2].replace("@pom", ""));
                    continue;
                }
                declared.add(ga);
                assertThat(pomDeps).as("pom.xml has %s (from %s's entry)", ga, entry).containsKey(ga);
                if (gav.length == 3) {
                    String other = versionedIn.put(ga, entry);
                    assertThat(other).as("%s's version is written in the entries of both %s and %s: keep it in one", ga, other, entry).isNull();
                    assertThat(pomDeps).as("pom.xml's version of %s", ga).containsEntry(ga, gav[2]);
                } else {
                    assertThat(pomDeps.get(ga)).as("%s has no version in %s's entry (a BOM manages it), nor in pom.xml", ga, entry).isNull();
                }
            }
        }
        assertThat(declared).as("the //DEPS of the entries").hasSizeGreaterThan(5);
        Set<String> runtime = new TreeSet<>(pomDeps.keySet());
        runtime.removeAll(testDependencies(pom));
        assertThat(runtime).as("pom.xml's runtime dependencies are the entries' //DEPS").isEqualTo(declared);
    }

    /** Package name to folder, for lib/monet and every folder below it that holds Java files. */
    private static Map<String, Path> packages() throws IOException {
        Map<String, Path> packages = new TreeMap<>();
        try (Stream<Path> dirs = Files.walk(LIB)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.list(dir)) {
                    if (files.anyMatch(f -> f.toString().endsWith(".java"))) {
                        packages.put(packageOf(dir), dir);
                    }
                }
            }
        }
        return packages;
    }

    private static String packageOf(Path dir) {
        Path relative = LIB.getParent().relativize(dir.toAbsolutePath().normalize());
        return relative.toString().replace('/', '.');
    }

    private static String sourcesLine(String pkg) {
        return "//SOURCES ../lib/" + pkg.replace('.', '/') + "/package-info.java";
    }

    private static List<Path> javaFiles(Path dir, boolean base) throws IOException {
        if (base) {
            return List.of(dir.resolve("MonetException.java"));
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    /** The monet packages these files name (their own package too). */
    private static Set<String> referencedPackages(List<Path> files) throws IOException {
        Set<String> packages = new TreeSet<>();
        for (Path file : files) {
            Matcher reference = PACKAGE_REFERENCE.matcher(Files.readString(file));
            while (reference.find()) {
                packages.add(reference.group(1) != null ? "monet." + reference.group(1) : "monet");
            }
            Matcher own = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE).matcher(Files.readString(file));
            if (own.find() && !own.group(1).equals("monet.scripts")) {
                packages.add(own.group(1));
            }
        }
        packages.remove("monet.scripts");
        return packages;
    }

    private static Set<String> closure(Set<String> start, Map<String, Set<String>> uses) {
        Set<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(start);
        while (!todo.isEmpty()) {
            String pkg = todo.remove(todo.size() - 1);
            if (seen.add(pkg)) {
                assertThat(uses).as("a script or package refers to %s, which has no folder under lib/", pkg).containsKey(pkg);
                todo.addAll(uses.get(pkg));
            }
        }
        return seen;
    }

    private static Map<String, String> pomDependencies(String xml, Map<String, String> properties) {
        Map<String, String> deps = new LinkedHashMap<>();
        Matcher dep = Pattern.compile("<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*(?:<version>([^<]+)</version>)?").matcher(xml);
        while (dep.find()) {
            String version = dep.group(3);
            if (version != null && version.startsWith("${")) {
                version = properties.get(version.substring(2, version.length() - 1));
            }
            deps.put(dep.group(1) + ":" + dep.group(2), version);
        }
        return deps;
    }

    private static Set<String> testDependencies(String pom) {
        Set<String> test = new TreeSet<>();
        Matcher dep = Pattern.compile("<dependency><groupId>([^<]+)</groupId><artifactId>([^<]+)</artifactId>[^\\n]*<scope>test</scope>").matcher(pom);
        while (dep.find()) {
            test.add(dep.group(1) + ":" + dep.group(2));
        }
        return test;
    }

    private static List<String> all(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        return name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : name;
    }
}

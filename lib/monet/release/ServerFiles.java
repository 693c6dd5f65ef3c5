package monet.release;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import monet.MonetException;

/**
 * The server's files as {@code sync-web} publishes them to the bucket's {@code config/}: a copy of
 * {@code server.dir} with the SSR server's own health path ({@code ssr.health-path}) written
 * where it is used, so an app whose SSR answers its health elsewhere needs a setting, not an edit
 * of the toolkit's files: nginx.conf's {@code set $ssr_health_path ...;} (the public
 * {@code /ssr-health} is answered from it) and the URL of the compose file's SSR health check.
 */
final class ServerFiles {
    /** The seed's health path, which the files in the repository carry. */
    static final String DEFAULT_HEALTH_PATH = "/ssr-health";
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~/?=&%-]*");
    private static final Pattern NGINX = Pattern.compile("(set \\$ssr_health_path )([^;\\s]+)(;)");
    private static final Pattern COMPOSE = Pattern.compile("(http://127\\.0\\.0\\.1:3000)(/[A-Za-z0-9._~/?=&%-]*)");

    private ServerFiles() {}

    /**
     * Copies {@code serverDir} to {@code into} with the health path written into nginx.conf and the
     * compose file. A file without its place for it is copied as it is while the path is the
     * seed's; with another path that is an error naming the file and what it lacks.
     */
    static void render(Path serverDir, String composeFile, String healthPath, Path into) throws IOException {
        if (!PATH.matcher(healthPath).matches()) {
            throw MonetException.usage("ssr.health-path must be a URL path such as /healthz (letters, digits and ._~/?=&%-), not '"
                    + healthPath + "'");
        }
        try (Stream<Path> files = Files.walk(serverDir)) {
            for (Path source : files.toList()) {
                Path target = into.resolve(serverDir.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        rewrite(into.resolve("nginx.conf"), NGINX, healthPath, "a 'set $ssr_health_path /PATH;' line in its server block");
        rewrite(into.resolve(composeFile), COMPOSE, healthPath, "the SSR health check's URL http://127.0.0.1:3000/PATH");
    }

    private static void rewrite(Path file, Pattern place, String healthPath, String lacking) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Matcher m = place.matcher(text);
        List<String> found = m.results().map(r -> r.group(2)).toList();
        if (found.size() != 1) {
            if (found.isEmpty() && healthPath.equals(DEFAULT_HEALTH_PATH)) {
                return;
            }
            throw new MonetException(file.getFileName() + " needs exactly one place for ssr.health-path (" + lacking
                    + "), and has " + found.size() + ": sync-web writes " + healthPath + " there");
        }
        String rendered = place.matcher(text).replaceFirst(r -> Matcher.quoteReplacement(r.group(1) + healthPath
                + (r.groupCount() == 3 ? r.group(3) : "")));
        Files.writeString(file, rendered, StandardCharsets.UTF_8);
    }
}

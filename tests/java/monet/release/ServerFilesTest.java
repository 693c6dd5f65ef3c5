package monet.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import monet.MonetException;
import monet.testing.Repo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The project's server files as sync-web publishes them, with the SSR server's own health path. */
class ServerFilesTest {
    private static final Path SERVER = Repo.file("infrastructure/server");

    @Test
    void theHealthPathIsWrittenIntoNginxConfAndTheComposeHealthCheckOnly(@TempDir Path tmp) throws Exception {
        ServerFiles.render(SERVER, "docker-compose.prod.yml", "/internal/health", tmp);

        String nginx = Files.readString(tmp.resolve("nginx.conf"));
        String compose = Files.readString(tmp.resolve("docker-compose.prod.yml"));
        assertThat(nginx).contains("set $ssr_health_path /internal/health;").contains("location = /ssr-health {");
        assertThat(compose).contains("fetch('http://127.0.0.1:3000/internal/health')").doesNotContain("3000/ssr-health");
        assertThat(nginx.replace("/internal/health;", "/ssr-health;")).isEqualTo(Files.readString(SERVER.resolve("nginx.conf")));
        assertThat(compose.replace("/internal/health", "/ssr-health"))
                .isEqualTo(Files.readString(SERVER.resolve("docker-compose.prod.yml")));
    }

    @Test
    void theDefaultLeavesTheFilesAsTheyAre(@TempDir Path tmp) throws Exception {
        ServerFiles.render(SERVER, "docker-compose.prod.yml", "/ssr-health", tmp);
        for (String name : new String[] {"nginx.conf", "docker-compose.prod.yml"}) {
            assertThat(Files.readString(tmp.resolve(name))).isEqualTo(Files.readString(SERVER.resolve(name)));
        }
    }

    @Test
    void aFileWithoutItsPlaceOrABadPathIsRefused(@TempDir Path tmp) throws Exception {
        Path own = Files.createDirectories(tmp.resolve("own"));
        Files.writeString(own.resolve("nginx.conf"), "events {}\nhttp { server { location = /ssr-health { proxy_pass http://web-ssr:3000/ssr-health; } } }\n");
        ServerFiles.render(own, "docker-compose.prod.yml", "/ssr-health", Files.createDirectories(tmp.resolve("a")));
        assertThatThrownBy(() -> ServerFiles.render(own, "docker-compose.prod.yml", "/healthz", Files.createDirectories(tmp.resolve("b"))))
                .isInstanceOf(MonetException.class)
                .hasMessage("nginx.conf needs exactly one place for ssr.health-path (a 'set $ssr_health_path /PATH;' line in its"
                        + " server block), and has 0: sync-web writes /healthz there");
        assertThatThrownBy(() -> ServerFiles.render(SERVER, "docker-compose.prod.yml", "/x; return 200", tmp.resolve("c")))
                .hasMessageContaining("ssr.health-path must be a URL path");
    }
}

package monet.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import monet.process.Cmd;
import monet.process.CmdResult;
import monet.testing.Repo;
import monet.testing.Tools;
import org.junit.jupiter.api.Test;

/**
 * infrastructure/server/docker-compose.prod.yml: valid YAML (yamllint), and the services,
 * images, health checks and mounts that the release, remote and nginx.conf rely on, read with
 * PyYAML (which moto brings). {@link ServerOnDockerTest} runs it on a real Docker engine.
 */
class ComposeFileTest {
    static final Path COMPOSE = Repo.file("infrastructure/server/docker-compose.prod.yml");

    @Test
    void passesYamllint() {
        Path yamllint = Tools.require("yamllint");
        CmdResult result = Cmd.of(yamllint.toString(), "-s", "-d",
                "{extends: default, rules: {line-length: {max: 160}, document-start: disable}}", COMPOSE.toString()).nothrow().run();
        assertThat(result.exitCode()).as(result.stdout()).isZero();
    }

    @Test
    void servicesImagesHealthChecksAndMountsAreWhatTheScriptsExpect() throws Exception {
        JsonNode services = compose().path("services");
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("nginx", "drawing-agent", "web-ssr");
        for (String name : names) {
            JsonNode service = services.path(name);
            assertThat(service.path("container_name").asText()).as(name + " container_name").isEqualTo(name);
            assertThat(service.at("/healthcheck/test")).as(name + " health check").isNotEmpty();
            assertThat(service.path("restart").asText()).isEqualTo("unless-stopped");
        }
        for (String app : List.of("drawing-agent", "web-ssr")) {
            assertThat(services.at("/" + app + "/image").asText())
                    .matches("\\$\\{ECR_REGISTRY(:\\?[^}]*)?}/" + app + ":\\$\\{IMAGE_TAG(:\\?[^}]*)?}");
        }
        assertThat(texts(services.at("/drawing-agent/expose"))).containsExactly("8000");
        assertThat(texts(services.at("/web-ssr/expose"))).containsExactly("3000");
        assertThat(texts(services.at("/drawing-agent/volumes"))).contains("/home/ec2-user/data:/app/data");
        assertThat(services.at("/drawing-agent/healthcheck/test").toString()).contains("8000/api/version");
        assertThat(services.at("/web-ssr/healthcheck/test").toString()).contains("3000/ssr-health");
        assertThat(texts(services.at("/nginx/ports"))).containsExactly("80:80", "443:443");

        // nginx gets what nginx.conf reads, at the paths it reads them from.
        String conf = Files.readString(Repo.file("infrastructure/server/nginx.conf"));
        List<String> mounts = texts(services.at("/nginx/volumes"));
        assertThat(mounts).contains("./site:/srv/site:ro");
        assertThat(texts(services.at("/nginx/command"))).containsExactly("nginx", "-c", "/srv/site/current/nginx.conf", "-g",
                "daemon off;");
        assertThat(conf).contains("root /srv/site/current/web;");
        for (String inside : List.of("/etc/nginx/certs", "/var/www/certbot")) {
            assertThat(conf).contains(inside);
            assertThat(mounts).anySatisfy(m -> assertThat(m).startsWith("/home/ec2-user/data/").contains(":" + inside + ":"));
        }
        // user_data.sh puts the certificates and ACME webroot where those mounts look.
        String userData = Files.readString(Repo.file("infrastructure/user_data.sh"));
        assertThat(userData).contains("CERT_DIR=$DATA_DIR/certs", "ACME_DIR=$DATA_DIR/acme", "DATA_DIR=/home/ec2-user/data");
        assertThat(mounts).contains("/home/ec2-user/data/certs:/etc/nginx/certs:ro", "/home/ec2-user/data/acme:/var/www/certbot:ro");
    }

    private static JsonNode compose() {
        Path python = Tools.require("python3");
        String json = Cmd.of(python.toString(), "-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
                COMPOSE.toString()).run().stdout();
        return InfraPolicy.parse(json);
    }

    private static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }
}

package monet.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** sync-web against moto's S3: what is uploaded, with which headers, what is deleted, what is left alone. */
class WebSyncTest {
    @TempDir
    Path tmp;
    Sandbox box;
    Path dist;

    @BeforeEach
    void setUp() throws Exception {
        box = new Sandbox(tmp);
        dist = tmp.resolve("dist");
        Sandbox.write(dist.resolve("index.html"), "<!doctype html>");
        Sandbox.write(dist.resolve("assets/index-BdX3k9aQ.js"), "console.log(1)");
        Sandbox.write(dist.resolve("assets/style.4f2a9c1e.css"), "body{}");
        Sandbox.write(dist.resolve("favicon-original.png"), "png");
        Sandbox.write(dist.resolve("version.txt"), "1.1.0\n");
        Sandbox.write(dist.resolve("fonts/Inter.woff2"), "font");
    }

    @AfterEach
    void tearDown() {
        box.close();
    }

    private WebSync sync() {
        return new WebSync(box.s3, box.bucket, "web/");
    }

    private HeadObjectResponse head(String key) {
        return box.s3.headObject(h -> h.bucket(box.bucket).key(key));
    }

    private Map<String, String> objects() {
        return box.s3.listObjectsV2Paginator(r -> r.bucket(box.bucket).prefix("web/")).contents().stream()
                .collect(Collectors.toMap(S3Object::key, S3Object::eTag));
    }

    @Test
    void uploadsEverythingWithContentTypesAndCacheHeadersThenNothingWhenUnchanged() throws Exception {
        box.s3.putObject(p -> p.bucket(box.bucket).key("web/assets/index-OLD12345.js"), RequestBody.fromString("old"));
        box.s3.putObject(p -> p.bucket(box.bucket).key("other/keep.txt"), RequestBody.fromString("not ours"));

        WebSync.Result first = sync().sync(dist);

        assertThat(first).isEqualTo(new WebSync.Result(6, 1, 0, 15 + 14 + 6 + 3 + 6 + 4));
        assertThat(objects()).containsOnlyKeys("web/index.html", "web/assets/index-BdX3k9aQ.js", "web/assets/style.4f2a9c1e.css",
                "web/favicon-original.png", "web/version.txt", "web/fonts/Inter.woff2");
        assertThat(box.s3.headObject(h -> h.bucket(box.bucket).key("other/keep.txt")).contentLength()).isEqualTo(8);
        assertThat(head("web/index.html").contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(head("web/index.html").cacheControl()).isEqualTo(WebSync.NO_CACHE);
        assertThat(head("web/version.txt").cacheControl()).isEqualTo(WebSync.NO_CACHE);
        assertThat(head("web/assets/index-BdX3k9aQ.js").contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(head("web/assets/index-BdX3k9aQ.js").cacheControl()).isEqualTo(WebSync.IMMUTABLE);
        assertThat(head("web/assets/style.4f2a9c1e.css").cacheControl()).isEqualTo(WebSync.IMMUTABLE);
        assertThat(head("web/favicon-original.png").cacheControl()).isEqualTo(WebSync.NO_CACHE);
        assertThat(head("web/fonts/Inter.woff2").contentType()).isEqualTo("font/woff2");
        Map<String, String> etags = objects();

        WebSync.Result again = sync().sync(dist);

        assertThat(again).isEqualTo(new WebSync.Result(0, 0, 6, 0));
        assertThat(objects()).isEqualTo(etags);
    }

    @Test
    void aChangeOfTheSameSizeIsUploadedAndADeletedFileIsDeleted() throws Exception {
        sync().sync(dist);
        Files.writeString(dist.resolve("index.html"), "<!DOCTYPE HTML>");
        Files.delete(dist.resolve("fonts/Inter.woff2"));

        WebSync.Result result = sync().sync(dist);

        assertThat(result).isEqualTo(new WebSync.Result(1, 1, 4, 15));
        assertThat(new String(box.s3.getObjectAsBytes(g -> g.bucket(box.bucket).key("web/index.html")).asByteArray()))
                .isEqualTo("<!DOCTYPE HTML>");
        assertThat(objects()).doesNotContainKey("web/fonts/Inter.woff2");
    }

    @Test
    void cacheRulesAndTypes() {
        assertThat(WebSync.cacheControl("assets/index-BdX3k9aQ.js")).isEqualTo(WebSync.IMMUTABLE);
        assertThat(WebSync.cacheControl("assets/vendor.3f9a1c2e7b.js")).isEqualTo(WebSync.IMMUTABLE);
        assertThat(WebSync.cacheControl("assets/logo-original.svg")).isEqualTo(WebSync.NO_CACHE);
        assertThat(WebSync.cacheControl("index.html")).isEqualTo(WebSync.NO_CACHE);
        assertThat(WebSync.contentType("a/b.SVG")).isEqualTo("image/svg+xml");
        assertThat(WebSync.contentType("LICENSE")).isEqualTo("application/octet-stream");
    }
}

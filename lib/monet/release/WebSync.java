package monet.release;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import monet.MonetException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Makes an S3 prefix hold exactly a local directory: uploads new and changed files (size and
 * MD5 compared with the object's ETag), deletes objects that have no local file, and sets each
 * object's Content-Type and Cache-Control (a year, immutable, for content-hashed assets such
 * as {@code assets/index-BdX3k9aQ.js}; {@code no-cache} for the rest, so that
 * {@code index.html} and {@code version.txt} are always fresh). Uploads run in parallel.
 */
final class WebSync {
    /** Cache-Control of content-hashed files. */
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** Cache-Control of every other file. */
    static final String NO_CACHE = "no-cache";
    private static final Pattern HASHED = Pattern.compile("[.-]([A-Za-z0-9_]{8,})\\.[A-Za-z0-9]+$");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"), Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("map", "application/json"), Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("xml", "application/xml"),
            Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"), Map.entry("ico", "image/x-icon"), Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"), Map.entry("ttf", "font/ttf"), Map.entry("otf", "font/otf"),
            Map.entry("wasm", "application/wasm"), Map.entry("pdf", "application/pdf"), Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"), Map.entry("mp3", "audio/mpeg"));
    private static final int THREADS = 16;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    /**
     * A sync target.
     *
     * @param s3     the client
     * @param bucket the bucket
     * @param prefix the key prefix, such as {@code web/}
     */
    WebSync(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    /**
     * What a sync did.
     *
     * @param uploaded  files uploaded (new or changed)
     * @param deleted   objects deleted
     * @param unchanged files already there with the same size and MD5
     * @param bytes     bytes uploaded
     */
    record Result(int uploaded, int deleted, int unchanged, long bytes) {
        @Override
        public String toString() {
            return uploaded + " uploaded (" + bytes + " bytes), " + deleted + " deleted, " + unchanged + " unchanged";
        }
    }

    private record Remote(long size, String etag) {}

    /**
     * Syncs the directory to the prefix. The listing (split by the prefix's sub-"folders" so the
     * pages come in parallel) and the local hashing run at the same time; then the changed files
     * are uploaded in parallel and the objects without a local file deleted.
     */
    Result sync(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            throw new MonetException(dir + " is not a directory: nothing to sync");
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "monet-sync");
            t.setDaemon(true);
            return t;
        });
        ExecutorService listing = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "monet-list");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Map<String, Remote>> remoteFuture = listing.submit(() -> list(listing));
            List<Path> files;
            try (Stream<Path> walk = Files.walk(dir)) {
                files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
            }
            List<Future<Local>> hashed = new ArrayList<>();
            for (Path file : files) {
                String relative = dir.relativize(file).toString().replace('\\', '/');
                hashed.add(pool.submit(() -> new Local(file, relative, prefix + relative, Files.size(file), md5(file))));
            }
            Map<String, Remote> remote = remoteFuture.get();
            List<Future<Long>> uploads = new ArrayList<>();
            Set<String> local = new HashSet<>();
            for (Future<Local> f : hashed) {
                Local file = f.get();
                local.add(file.key());
                Remote existing = remote.get(file.key());
                if (existing == null || existing.size() != file.size()
                        || !existing.etag().equalsIgnoreCase(HexFormat.of().formatHex(file.md5()))) {
                    uploads.add(pool.submit(() -> upload(file)));
                }
            }
            long bytes = 0;
            for (Future<Long> done : uploads) {
                bytes += done.get();
            }
            List<String> stale = remote.keySet().stream().filter(k -> !local.contains(k)).sorted().toList();
            delete(stale);
            return new Result(uploads.size(), stale.size(), files.size() - uploads.size(), bytes);
        } finally {
            pool.shutdownNow();
            listing.shutdownNow();
        }
    }

    private record Local(Path path, String relative, String key, long size, byte[] md5) {}

    /** Every object under the prefix: the top level with a delimiter, then each sub-prefix in parallel. */
    private Map<String, Remote> list(ExecutorService listing) throws Exception {
        Map<String, Remote> remote = new ConcurrentHashMap<>();
        List<Future<?>> parts = new ArrayList<>();
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix).delimiter("/"))) {
            page.contents().forEach(object -> remote.put(object.key(), remote(object)));
            for (CommonPrefix sub : page.commonPrefixes()) {
                parts.add(listing.submit(() -> s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(sub.prefix())).contents()
                        .forEach(object -> remote.put(object.key(), remote(object)))));
            }
        }
        for (Future<?> part : parts) {
            part.get();
        }
        return remote;
    }

    private static Remote remote(S3Object object) {
        return new Remote(object.size(), object.eTag().replace("\"", ""));
    }

    /** Uploads a file; returns the bytes sent. */
    private long upload(Local file) {
        s3.putObject(PutObjectRequest.builder().bucket(bucket).key(file.key())
                        .contentType(contentType(file.relative())).cacheControl(cacheControl(file.relative()))
                        .contentMD5(Base64.getEncoder().encodeToString(file.md5())).build(),
                RequestBody.fromFile(file.path()));
        return file.size();
    }

    private void delete(List<String> keys) {
        for (int from = 0; from < keys.size(); from += 1000) {
            List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + 1000)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            DeleteObjectsResponse response = s3.deleteObjects(r -> r.bucket(bucket)
                    .delete(Delete.builder().objects(batch).quiet(true).build()));
            if (response.hasErrors() && !response.errors().isEmpty()) {
                throw new MonetException("S3 refused to delete " + response.errors().size() + " objects from s3://" + bucket
                        + "/" + prefix + ", e.g. " + response.errors().get(0).key() + ": " + response.errors().get(0).message());
            }
        }
    }

    /** The Content-Type for a file name. */
    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(extension, "application/octet-stream");
    }

    /**
     * The Cache-Control for a file: immutable when its name carries a content hash (8 or more
     * letters and digits after a {@code -} or {@code .}, with at least one digit or capital, as
     * Vite and webpack name them), else no-cache.
     */
    static String cacheControl(String relative) {
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        Matcher m = HASHED.matcher(name);
        return m.find() && m.group(1).chars().anyMatch(c -> Character.isDigit(c) || Character.isUpperCase(c))
                ? IMMUTABLE : NO_CACHE;
    }

    private static byte[] md5(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException("no MD5 in this JVM", e));
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }
}

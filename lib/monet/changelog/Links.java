package monet.changelog;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a file links its releases, read from its own links: the repository URL, the tag prefix
 * ({@code v} in {@code v1.2.0}), the branch [Unreleased] compares with, and whether versions are
 * linked at all. A file without any link can take the repository URL from git.
 */
final class Links {
    final String base;
    final String prefix;
    final String head;
    /** True when at least one version is linked (or the file has no links, so all will be). */
    final boolean versionsLinked;

    private Links(String base, String prefix, String head, boolean versionsLinked) {
        this.base = base;
        this.prefix = prefix;
        this.head = head;
        this.versionsLinked = versionsLinked;
    }

    String unreleasedUrl(String tag) {
        return base + "/compare/" + tag + "..." + head;
    }

    /** {@code BASE/compare/PREVIOUS...TAG}, or {@code BASE/releases/tag/TAG} for the first release. */
    String versionUrl(String tag, String previousTag) {
        return previousTag == null ? base + "/releases/tag/" + tag : base + "/compare/" + previousTag + "..." + tag;
    }

    /**
     * A release's tag: the one its own link names for its version (whatever the prefix, either
     * side of a compare range), else the file's prefix and the version.
     */
    String tagOf(Changelog log, Release release) {
        String url = log.linkOf(release);
        if (url != null) {
            for (String ref : Url.parse(url).refs()) {
                if (names(ref, release.version())) {
                    return ref;
                }
            }
        }
        return prefix + release.version();
    }

    /**
     * From the file's own links: [Unreleased]'s (the base and the branch it compares with; its
     * definition when {@code unreleased} is null) and the first version link that names its tag
     * (the base and the tag prefix). Null when no link points into a repository.
     */
    static Links derive(Changelog log, Release unreleased) {
        String base = null;
        String prefix = null;
        String head = "HEAD";
        String unreleasedUrl = unreleased == null ? log.definitionUrl("unreleased") : log.linkOf(unreleased);
        if (unreleasedUrl != null) {
            Url url = Url.parse(unreleasedUrl);
            base = url.base;
            for (String ref : url.refs()) {
                if (versionIn(ref) == null) {
                    head = ref;
                } else if (prefix == null) {
                    prefix = ref.substring(0, firstDigit(ref));
                }
            }
        }
        boolean versionsLinked = false;
        for (Release release : log.releases) {
            String link = release.version() == null ? null : log.linkOf(release);
            if (link == null) {
                continue;
            }
            versionsLinked = true;
            Url url = Url.parse(link);
            Optional<String> tag = url.refs().stream().filter(ref -> names(ref, release.version())).findFirst();
            if (url.base != null && tag.isPresent()) {
                base = base != null ? base : url.base;
                prefix = tag.get().substring(0, firstDigit(tag.get()));
                break;
            }
        }
        return base == null ? null : new Links(base, prefix != null ? prefix : "v", head, versionsLinked);
    }

    /** For a file without any link: from the repository's URL ({@code git remote get-url origin}), every version linked. */
    static Links fromRepository(Changelog log) {
        boolean anyLinks = !log.linkDefinitions().isEmpty() || log.releases.stream().anyMatch(r -> r.inlineLink() != null);
        String repository = anyLinks ? null : log.repositoryUrl.get().orElse(null);
        if (repository == null) {
            return null;
        }
        return new Links(repository.endsWith("/") ? repository.substring(0, repository.length() - 1) : repository, "v",
                "HEAD", true);
    }

    /** The version a tag names ({@code v1.2.0}, {@code release-2.0.0-rc.1}), or null ({@code HEAD}, {@code main}, {@code 13.x}). */
    static Version versionIn(String ref) {
        int digit = firstDigit(ref);
        return digit < ref.length() ? Version.tryParse(ref.substring(digit)) : null;
    }

    private static boolean names(String ref, Version version) {
        Version named = versionIn(ref);
        return named != null && named.compareTo(version) == 0;
    }

    private static int firstDigit(String ref) {
        int i = 0;
        while (i < ref.length() && !Character.isDigit(ref.charAt(i))) {
            i++;
        }
        return i;
    }

    /** A repository link taken apart: {@code BASE/compare/A...B}, {@code BASE/releases/tag/T}, {@code BASE/tree/T}, {@code BASE/commits/T}. */
    private record Url(String base, String from, String to) {
        private static final String[] SINGLE = {"/releases/tag/", "/tree/", "/commits/"};

        static Url parse(String url) {
            int compare = url.indexOf("/compare/");
            if (compare > 0) {
                String range = url.substring(compare + "/compare/".length());
                int dots = range.indexOf("...");
                if (dots > 0) {
                    return new Url(url.substring(0, compare), range.substring(0, dots), range.substring(dots + 3));
                }
            }
            for (String kind : SINGLE) {
                int at = url.indexOf(kind);
                if (at > 0) {
                    return new Url(url.substring(0, at), null, url.substring(at + kind.length()));
                }
            }
            return new Url(null, null, null);
        }

        /** The refs it names, in order: both ends of a range, or the one tag or branch. */
        List<String> refs() {
            List<String> refs = new ArrayList<>(2);
            if (from != null) {
                refs.add(from);
            }
            if (to != null) {
                refs.add(to);
            }
            return refs;
        }
    }
}

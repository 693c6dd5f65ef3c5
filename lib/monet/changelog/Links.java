package monet.changelog;

/**
 * How a file links its releases: the repository base URL, the tag prefix ({@code v} in
 * {@code v1.2.0}) and the branch that [Unreleased] compares to, read from the file's own links.
 */
final class Links {
    final String base;
    final String prefix;
    final String head;
    /** The tag of the latest release, as the file's links write it; null before the first release. */
    final String previousTag;

    private Links(String base, String prefix, String head, String previousTag) {
        this.base = base;
        this.prefix = prefix;
        this.head = head;
        this.previousTag = previousTag;
    }

    String unreleasedUrl(String tag) {
        return base + "/compare/" + tag + "..." + head;
    }

    String versionUrl(String tag) {
        return versionUrl(tag, previousTag);
    }

    String versionUrl(String tag, String previous) {
        return previous == null ? base + "/releases/tag/" + tag : base + "/compare/" + previous + "..." + tag;
    }

    /**
     * From [Unreleased]'s link ({@code BASE/compare/TAG...HEAD}), else the latest release's link
     * ({@code BASE/compare/A...TAG} or {@code BASE/releases/tag/TAG}), else, for a file without any
     * link, the repository URL; null when none of these exists.
     */
    static Links derive(Changelog log, Release unreleased, Release top) {
        String topVersion = top == null || top.version() == null ? null : top.version().toString();
        String url = log.linkOf(unreleased);
        if (url != null) {
            int compare = url.indexOf("/compare/");
            if (compare > 0) {
                String range = url.substring(compare + "/compare/".length());
                int dots = range.indexOf("...");
                if (dots > 0) {
                    String tag = range.substring(0, dots);
                    return new Links(url.substring(0, compare), prefixOf(tag, topVersion), range.substring(dots + 3),
                            top == null ? null : tag);
                }
            }
            int commits = url.indexOf("/commits/");
            if (commits > 0 && top == null) {
                return new Links(url.substring(0, commits), "v", url.substring(commits + "/commits/".length()), null);
            }
        }
        String topUrl = top == null ? null : log.linkOf(top);
        if (topUrl != null) {
            int compare = topUrl.indexOf("/compare/");
            int dots = topUrl.lastIndexOf("...");
            if (compare > 0 && dots > compare) {
                String tag = topUrl.substring(dots + 3);
                return new Links(topUrl.substring(0, compare), prefixOf(tag, topVersion), "HEAD", tag);
            }
            int release = topUrl.indexOf("/releases/tag/");
            if (release > 0) {
                String tag = topUrl.substring(release + "/releases/tag/".length());
                return new Links(topUrl.substring(0, release), prefixOf(tag, topVersion), "HEAD", tag);
            }
            return null;
        }
        boolean anyLinks = !log.linkDefinitions().isEmpty() || log.releases.stream().anyMatch(r -> r.inlineLink() != null);
        if (anyLinks) {
            return null;
        }
        String repository = log.repositoryUrl.get().orElse(null);
        if (repository == null) {
            return null;
        }
        String base = repository.endsWith("/") ? repository.substring(0, repository.length() - 1) : repository;
        return new Links(base, "v", "HEAD", topVersion == null ? null : "v" + topVersion);
    }

    /** {@code v1.2.0} with version {@code 1.2.0} → {@code v}; without a known version, what comes before the first digit. */
    private static String prefixOf(String tag, String version) {
        if (version != null && tag.endsWith(version)) {
            return tag.substring(0, tag.length() - version.length());
        }
        int digit = 0;
        while (digit < tag.length() && !Character.isDigit(tag.charAt(digit))) {
            digit++;
        }
        return digit < tag.length() ? tag.substring(0, digit) : "v";
    }
}

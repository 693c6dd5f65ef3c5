package monet.text;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean ...?": the candidate nearest to a mistyped word, by edit distance. */
public final class Suggestions {
    private Suggestions() {}

    /** The candidate closest to {@code typed} (empty only when there are none). */
    public static Optional<String> closest(String typed, Collection<String> candidates) {
        return candidates.stream().min(Comparator.comparingInt(candidate -> distance(typed, candidate)));
    }

    /** The Levenshtein distance: how many one-character insertions, deletions or substitutions turn a into b. */
    public static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

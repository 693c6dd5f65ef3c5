package monet.changelog;

/** One list item of a section: its first line (1-based) and text without the bullet, continuation lines included. */
public record Entry(int line, String text) {}

//SOURCES *.java
/** Output: data on stdout, diagnostics on stderr, secrets masked, plain or coloured, GitHub Actions markup. */
package monet.console;

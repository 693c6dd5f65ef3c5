//DEPS com.fasterxml.jackson.core:jackson-databind
//SOURCES *.java
/** Keep a Changelog 1.1.0 files: parse, lint, edit line by line, release, render notes. */
package monet.changelog;

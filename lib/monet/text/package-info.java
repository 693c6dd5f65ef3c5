//SOURCES *.java
/** Text for people: tables, the tail of a command's output, "did you mean" suggestions. */
package monet.text;

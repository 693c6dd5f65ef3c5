//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind
//SOURCES *.java
/** The scripts' picocli conventions: exit codes, usage errors, the config command and options. */
package monet.cli;

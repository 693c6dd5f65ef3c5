//DEPS org.zeroturnaround:zt-exec:1.12
// zt-exec logs through SLF4J: without a binding every run prints SLF4J warnings.
//DEPS org.slf4j:slf4j-nop:1.7.36
//SOURCES *.java
/** Local commands (zt-exec underneath) and shell quoting. */
package monet.process;

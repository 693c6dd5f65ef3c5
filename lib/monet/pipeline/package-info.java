//SOURCES *.java
/** The Pipeline DSL: named steps, retries, timeouts, waits, rollbacks and a summary. */
package monet.pipeline;

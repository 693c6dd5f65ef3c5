//SOURCES *.java
/** The Pipeline DSL: named steps, parallel groups, rollbacks and points of no return, selection, dry runs, waits, a summary. */
package monet.pipeline;

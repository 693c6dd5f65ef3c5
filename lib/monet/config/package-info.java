//SOURCES *.java
/** The toolkit's configuration: keys, defaults, sources (environment, files, --set). */
package monet.config;

// The lowest layer's entry, and the place for versions shared by several packages: these BOMs
// manage every Jackson and AWS SDK module, so the other entries name those modules without a
// version. A library only one package uses has its version in that package's entry. pom.xml
// mirrors them all (LibraryEntriesTest). How entries work: docs/library.md.
//DEPS com.fasterxml.jackson:jackson-bom:2.20.1@pom
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//SOURCES MonetException.java
/** The monet ops toolkit's shared library: one package per area, each with its entry, package-info.java. */
package monet;

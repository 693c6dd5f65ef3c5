//DEPS com.fasterxml.jackson.core:jackson-databind
//SOURCES *.java
/** What the infrastructure hands to the release workflow: its GitHub secrets. */
package monet.infra;

//DEPS software.amazon.awssdk:ecr
//DEPS software.amazon.awssdk:s3
//DEPS com.fasterxml.jackson.core:jackson-databind
//SOURCES *.java
/** Releases: cut, the stages of the release pipeline, deploy and verify on the host. */
package monet.release;

// The library's entry file: scripts `//SOURCES ../lib/monet/Monet.java` and get
// every source below and every dependency. Versions live here and only here
// (pom.xml mirrors them; DependencyVersionsTest keeps the two in step).
//DEPS info.picocli:picocli:4.7.7
//DEPS org.zeroturnaround:zt-exec:1.12
//DEPS org.slf4j:slf4j-nop:1.7.36
//DEPS com.fasterxml.jackson.core:jackson-databind:2.20.1
//DEPS software.amazon.awssdk:ec2:2.57.8
//DEPS software.amazon.awssdk:ssm:2.57.8
//DEPS software.amazon.awssdk:s3:2.57.8
//DEPS software.amazon.awssdk:ecr:2.57.8
//DEPS software.amazon.awssdk:sts:2.57.8
//DEPS software.amazon.awssdk:ses:2.57.8
//DEPS software.amazon.awssdk:sesv2:2.57.8
//DEPS software.amazon.awssdk:url-connection-client:2.57.8
//SOURCES *.java
//SOURCES **/*.java
// The host scripts, as class-path resources beside monet.host (Maven: a resources entry in pom.xml).
//FILES monet/host/sh/=host/sh/*.sh
package monet;

/** The monet ops toolkit's shared library: see the packages below {@code monet}. */
public final class Monet {
    /** The toolkit's name as shown in messages. */
    public static final String NAME = "monet ops toolkit";

    private Monet() {}
}

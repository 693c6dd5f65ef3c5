//DEPS software.amazon.awssdk:ec2
//DEPS software.amazon.awssdk:ssm
//DEPS software.amazon.awssdk:s3
//DEPS software.amazon.awssdk:cloudwatchlogs
//DEPS com.fasterxml.jackson.core:jackson-databind
//SOURCES *.java
/** The production server: find it, run commands on it over SSM, SSH or locally, report its state. */
package monet.remote;

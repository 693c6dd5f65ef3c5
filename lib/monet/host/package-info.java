//DEPS software.amazon.awssdk:ec2
//DEPS software.amazon.awssdk:ssm
//DEPS software.amazon.awssdk:s3
//SOURCES *.java
//FILES monet/host/=*.sh
/**
 * What runs on the production server and how it gets there, for remote and release alike: the
 * host scripts (one POSIX sh file each, beside these classes), the SSM, SSH and local transports,
 * and where a command's scripts run (HostTarget, from the options in monet.cli.HostOptions).
 */
package monet.host;

// sts: the SDK's default credential chain loads it for web-identity and role_arn profiles.
//DEPS software.amazon.awssdk:aws-core
//DEPS software.amazon.awssdk:regions
//DEPS software.amazon.awssdk:url-connection-client
//DEPS software.amazon.awssdk:sts
//SOURCES *.java
/** AWS SDK clients the toolkit's way (region, credentials, endpoint, the URL-connection HTTP client). */
package monet.aws;

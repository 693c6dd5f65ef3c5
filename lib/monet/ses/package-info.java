//DEPS software.amazon.awssdk:ses
//DEPS software.amazon.awssdk:sesv2
//DEPS com.fasterxml.jackson.core:jackson-databind
//SOURCES *.java
/** Production email through SES: the account's status, the domain's DNS records, test messages. */
package monet.ses;

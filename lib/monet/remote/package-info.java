//DEPS software.amazon.awssdk:cloudwatchlogs
//DEPS com.fasterxml.jackson.core:jackson-databind
//SOURCES *.java
/** The remote commands: logs, status, users, db, ... on the production server, through monet.host. */
package monet.remote;

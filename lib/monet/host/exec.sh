# shellcheck shell=sh
# COMMAND, a command line, run by the sh of the running container CONTAINER.
docker exec "$CONTAINER" sh -c "$COMMAND"

# shellcheck shell=sh
# Creates the user EMAIL with the app's CLI (COMMAND, EMAIL appended as "$1") in CONTAINER. The
# password is the secret variable MONET_PASSWORD (set above by the transport, never a value in
# this text) and reaches the CLI on stdin through the shell's builtin printf.
printf '%s\n' "$MONET_PASSWORD" | docker exec -i "$CONTAINER" sh -c "$COMMAND \"\$1\"" sh "$EMAIL"

# shellcheck shell=sh
# COMMAND, a command line, run by the host's sh.
sh -c "$COMMAND"

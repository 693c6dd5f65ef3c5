# shellcheck shell=sh
# Removes the directory where ssm-output.sh keeps a large output (MONET_SPILL_ID), whether the
# output was read back, the command was stopped, or its client was interrupted.
rm -rf "${TMPDIR:-/tmp}/monet-ssm.$MONET_SPILL_ID"

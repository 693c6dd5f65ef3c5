# shellcheck shell=sh
# Removes the directory MONET_DIR where ssm-output.sh kept a large output.
rm -rf "$MONET_DIR"

# shellcheck shell=sh
# Page MONET_PAGE (from 0) of MONET_PAGE_BYTES bytes of the file MONET_FILE, base64-encoded.
dd if="$MONET_FILE" bs="$MONET_PAGE_BYTES" skip="$MONET_PAGE" count=1 2>/dev/null | base64

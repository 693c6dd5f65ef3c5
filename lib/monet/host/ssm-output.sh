# shellcheck shell=sh
# How the SSM transport runs a script (the function monet_script, defined just above) when no
# output bucket is set: SSM returns only MONET_STDOUT_LIMIT characters of stdout and
# MONET_STDERR_LIMIT of stderr, so the output goes to files first. When it fits, it is printed;
# otherwise it is gzipped and kept, and one line on stderr, starting with MONET_NONCE (which the
# script's own output cannot forge), says where and how large: the client reads it back in pages.
monet_spill=$(mktemp -d "${TMPDIR:-/tmp}/monet-ssm.XXXXXXXX") || exit 125
(monet_script) >"$monet_spill/out" 2>"$monet_spill/err" </dev/null
monet_rc=$?
if [ "$(wc -c <"$monet_spill/out")" -le "$MONET_STDOUT_LIMIT" ] && [ "$(wc -c <"$monet_spill/err")" -le "$MONET_STDERR_LIMIT" ]; then
  cat "$monet_spill/out"
  cat "$monet_spill/err" >&2
  rm -rf "$monet_spill"
else
  gzip -c "$monet_spill/out" >"$monet_spill/out.gz" && gzip -c "$monet_spill/err" >"$monet_spill/err.gz" \
    && rm -f "$monet_spill/out" "$monet_spill/err"
  echo "$MONET_NONCE" "$monet_spill" "$(wc -c <"$monet_spill/out.gz")" "$(wc -c <"$monet_spill/err.gz")" >&2
fi
exit $monet_rc

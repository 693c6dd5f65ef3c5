# shellcheck shell=sh
# How the SSM transport runs a script (the function monet_script, defined just above) when no
# output bucket is set: the SSM agent cuts stdout once it reaches MONET_STDOUT_LIMIT bytes and
# stderr at MONET_STDERR_LIMIT, so the output goes to files first. When both are below the
# limits, they are printed; otherwise they are gzipped and kept, and one line on stderr, starting
# with MONET_NONCE (which the script's own output cannot forge), says where and how large: the
# client reads them back in pages. The directory's name comes from the client (MONET_SPILL_ID),
# so that it can remove it on any way out, even when this script is stopped half-way.
monet_spill="${TMPDIR:-/tmp}/monet-ssm.$MONET_SPILL_ID"
mkdir -m 700 "$monet_spill" || exit 125
(monet_script) >"$monet_spill/out" 2>"$monet_spill/err" </dev/null
monet_rc=$?
if [ "$(wc -c <"$monet_spill/out")" -lt "$MONET_STDOUT_LIMIT" ] && [ "$(wc -c <"$monet_spill/err")" -lt "$MONET_STDERR_LIMIT" ]; then
  cat "$monet_spill/out"
  cat "$monet_spill/err" >&2
  rm -rf "$monet_spill"
else
  gzip -c "$monet_spill/out" >"$monet_spill/out.gz" && gzip -c "$monet_spill/err" >"$monet_spill/err.gz" \
    && rm -f "$monet_spill/out" "$monet_spill/err"
  echo "$MONET_NONCE" "$monet_spill" "$(wc -c <"$monet_spill/out.gz")" "$(wc -c <"$monet_spill/err.gz")" >&2
fi
exit $monet_rc

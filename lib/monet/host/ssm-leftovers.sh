# shellcheck shell=sh
# Removes the directories ssm-output.sh kept large outputs in, when no client will read them any
# more: those older than MONET_OLDER_THAN_MINUTES minutes (0: all of them). Lists what it removed.
for monet_dir in "${TMPDIR:-/tmp}"/monet-ssm.*; do
  [ -d "$monet_dir" ] || continue
  if [ "$MONET_OLDER_THAN_MINUTES" -gt 0 ] && [ -z "$(find "$monet_dir" -maxdepth 0 -mmin +"$MONET_OLDER_THAN_MINUTES")" ]; then
    continue
  fi
  rm -rf "$monet_dir" && echo "removed $monet_dir"
done

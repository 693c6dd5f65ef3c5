# shellcheck shell=sh
# Goes back to VERSION, or, when it is empty, to the tag the last deploy replaced (.previous-tag),
# under the release's lock: its kept release directory (config and web files as they were) made
# live again with its images (activate: nothing changes if the pull or nginx -t fails). Ends with
# one line: rolled-back-to=... from=...
target=$VERSION
if [ -z "$target" ]; then
  target=$(cat .previous-tag 2>/dev/null || true)
fi
take_lock rollback
if [ -z "$target" ]; then
  echo "no previous version recorded in $APP_DIR/.previous-tag: name the version to roll back to" >&2
  exit 1
fi
from=$(current_tag)
find_release "$target"
if [ -z "$FOUND" ]; then
  kept=$(cat "$RELEASES"/*/.version 2>/dev/null | sort -u | tr '\n' ' ')
  failed rollback "$target" "no release of $target is kept on this host (kept: ${kept:-none}): deploy $target instead"
fi
activate rollback "$FOUND" "$target" "$(cat "$RELEASES/$FOUND/.registry")"
echo "rolled-back-to=$target from=$from"

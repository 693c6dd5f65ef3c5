# shellcheck shell=sh
# Goes back to VERSION, or, when it is empty, to the tag the last deploy replaced (.previous-tag),
# under the lock, with the registry .env names. Ends with one line: rolled-back-to=... from=...
take_lock rollback
target=$VERSION
if [ -z "$target" ]; then
  target=$(cat .previous-tag 2>/dev/null || true)
fi
if [ -z "$target" ]; then
  echo "no previous version recorded in $APP_DIR/.previous-tag: name the version to roll back to" >&2
  exit 1
fi
from=$(current_tag)
switch_to rollback "$target" "$(current_registry)"
echo "rolled-back-to=$target from=$from"

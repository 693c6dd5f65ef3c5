# shellcheck shell=sh
# Releases the deploy lock: only WHO's own, unless FORCE is yes.
if [ ! -f .deploy.lock ]; then
  echo 'not locked'
  exit 0
fi
held=$(cat .deploy.lock)
if [ "$FORCE" != yes ]; then
  case "$held" in
    "holder=$WHO "*) ;;
    *) echo "the deploy lock is held by someone else: $held (unlock --force breaks it)" >&2; exit 75 ;;
  esac
fi
rm -f .deploy.lock
audit "action=unlock forced=$FORCE was=[$held]"
echo "unlocked (was: $held)"

# shellcheck shell=sh
# Releases the deploy lock: only WHO's own, unless FORCE is yes. RELEASE_DONE yes: the end of
# WHO's release (after verify or its rollback) gives back only that release's lock, never a
# manual one, and says so when there is none.
if [ ! -f .deploy.lock ]; then
  echo 'not locked'
  exit 0
fi
held=$(cat .deploy.lock)
if [ "${RELEASE_DONE:-no}" = yes ]; then
  case "$held" in
    "holder=$WHO "*" action=release "*) rm -f .deploy.lock; echo "released the deploy lock (was: $held)" ;;
    *) echo "the deploy lock is not this release's: $held" ;;
  esac
  exit 0
fi
if [ "$FORCE" != yes ]; then
  case "$held" in
    "holder=$WHO "*) ;;
    *) echo "the deploy lock is held by someone else: $held (unlock --force breaks it)" >&2; exit 75 ;;
  esac
fi
rm -f .deploy.lock
audit "action=unlock forced=$FORCE was=[$held]"
echo "unlocked (was: $held)"

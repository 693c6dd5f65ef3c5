# shellcheck shell=sh
# Puts the newest backup in BACKUPS that migrate.sh took (before-VERSION.TIME.db) back into
# DATABASE, under the lock. Refused unless FORCE is yes: when the running IMAGE_TAG is not the
# VERSION whose migrations it preceded, or when the audit log shows that another version was
# migrated or deployed after it was taken (restoring would undo that one's changes too). With
# CHECK yes it only says which backup and whether it would be refused. Otherwise: APP_SERVICE
# stopped (nothing writes meanwhile), the database as it is kept beside the backups
# (replaced-TIME.db: nothing is lost), the backup restored with sqlite3's .restore, audited.
# APP_SERVICE stays stopped: the rollback that follows starts the version that fits the data.
# With UNDO (a replaced-TIME.db this script kept) and UNDO_VERSION: the rollback after a restore
# failed, so while UNDO_VERSION still runs, that database goes back (the API stopped meanwhile).
case $DATABASE in /*) ;; *) DATABASE=$PWD/$DATABASE ;; esac
if [ -n "$UNDO" ]; then
  take_lock restore-db
  running=$(current_tag)
  if [ "$running" != "$UNDO_VERSION" ]; then
    echo "not putting $UNDO back: $running runs, not $UNDO_VERSION, so the restored database fits what runs" >&2
    exit 1
  fi
  compose stop "$APP_SERVICE"
  (cd "$BACKUPS" && sqlite3 -bail "$DATABASE" ".restore '$UNDO'")
  compose start "$APP_SERVICE"
  audit "action=restore-db version=$UNDO_VERSION file=$UNDO result=undone"
  echo "undone=$UNDO"
  exit 0
fi
# shellcheck disable=SC2012 # our own names: no newlines or blanks
backup=$(ls -1t "$BACKUPS"/before-*.db 2>/dev/null | head -n 1)
if [ -z "$backup" ]; then
  echo "no backup in $BACKUPS: migrate takes one before each migration (db.backups)" >&2
  exit 1
fi
name=${backup##*/}
version=${name#before-}
version=${version%.*.db}
running=$(current_tag)
taken=$(sed -n "s/^\([^ ]*\) action=backup version=[^ ]* file=$name .*/\1/p" deploy-audit.log 2>/dev/null | tail -n 1)
since=$(awk -v file="file=$name" -v version="version=$version" '
  seen && / action=(migrate|deploy) / && / result=ok/ && !index($0, " " version " ") { print $2 " " $3 }
  index($0, " " file " ") { seen = 1 }' deploy-audit.log 2>/dev/null | tr '\n' ';')
echo "backup: $BACKUPS/$name, taken ${taken:-at an unknown time} before the migrations of $version; running: ${running:-none}"
refused=""
if [ "$running" != "$version" ]; then
  refused="$running runs, not $version, whose migrations the backup preceded"
fi
if [ -n "$since" ]; then
  refused="${refused:+$refused; }written by another version since the backup: $since"
fi
if [ -n "$refused" ] && [ "$FORCE" != yes ]; then
  echo "restoring $name refused: $refused (--force restores it anyway)" >&2
  exit 1
fi
if [ "$CHECK" = yes ]; then
  echo "backup=$name for=$version"
  exit 0
fi
# Only now: a check takes no lock (a release's lock, once taken, is kept until the release ends).
take_lock restore-db
if [ ! -f "$DATABASE" ]; then
  echo "no database at $DATABASE to restore into" >&2
  exit 1
fi
compose stop "$APP_SERVICE"
replaced="replaced-$(date -u +%Y%m%dT%H%M%SZ).db"
if ! (cd "$BACKUPS" && sqlite3 -bail "$DATABASE" ".backup '$replaced'" && sqlite3 -bail "$DATABASE" ".restore '$name'"); then
  echo "restoring $name failed: the database is as it was (also in $BACKUPS/$replaced); starting $APP_SERVICE again" >&2
  compose start "$APP_SERVICE" || true
  audit "action=restore-db version=$version file=$name result=failed"
  exit 1
fi
audit "action=restore-db version=$version file=$name replaced=$replaced result=ok${refused:+ forced=yes}"
echo "restored=$name for=$version kept=$replaced"

# shellcheck shell=sh
# SQL run by sqlite3 on DATABASE: read-only unless WRITE is yes, rows as JSON when JSON is yes.
test -f "$DATABASE" || { echo "no database at $DATABASE" >&2; exit 1; }
set -- -bail
if [ "$WRITE" != yes ]; then set -- "$@" -readonly; fi
if [ "$JSON" = yes ]; then set -- "$@" -json; fi
sqlite3 "$@" "$DATABASE" "$SQL"

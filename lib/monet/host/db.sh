# shellcheck shell=sh
# SQL run by sqlite3 on DATABASE: read-only unless WRITE is yes, rows as JSON when JSON is yes.
# Always in safe mode: no .shell/.system, writefile(), readfile(), load_extension(), ATTACH,
# .output or .open of other files, so that SQL (run as root over SSM) touches this database only.
test -f "$DATABASE" || { echo "no database at $DATABASE" >&2; exit 1; }
set -- -bail -safe
if [ "$WRITE" != yes ]; then set -- "$@" -readonly; fi
if [ "$JSON" = yes ]; then set -- "$@" -json; fi
sqlite3 "$@" "$DATABASE" "$SQL"

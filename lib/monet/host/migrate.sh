# shellcheck shell=sh
# Runs the app's migrations (MIGRATE, a command line for the container's sh) under the lock in a
# one-off container of APP_SERVICE at VERSION (empty: the running IMAGE_TAG), pulled from
# REGISTRY (empty: .env's ECR_REGISTRY) unless it is the running one. The app's secrets are
# read here from Parameter Store under PARAMETERS with the instance role (none when it is
# empty) and reach the container by name only (-e NAME), never as values in an argument.
# Before the migrations: an online backup of DATABASE (sqlite3's .backup, consistent while the
# app writes) into BACKUPS on the data volume, named after the version it precedes, audited;
# the newest KEEP_BACKUPS are kept (0: none taken). restore-db.sh puts one back.
version=${VERSION:-$(current_tag)}
take_lock "migrate $version"
registry=${REGISTRY:-$(current_registry)}
running=$(current_tag)
export IMAGE_TAG="$version" ECR_REGISTRY="$registry"
if [ "$version" != "$running" ]; then
  ecr_login "$registry"
  compose pull "$APP_SERVICE"
fi
set --
if [ -n "$PARAMETERS" ]; then
  params=$(aws ssm get-parameters-by-path --region "$REGION" --path "$PARAMETERS" --recursive --with-decryption \
    --query 'Parameters[].[Name,Value]' --output text)
  tab=$(printf '\t')
  while IFS="$tab" read -r name value; do
    key=${name##*/}
    case "$key" in ''|[!A-Za-z_]*|*[!A-Za-z0-9_]*) continue ;; esac
    export "$key=$value"
    set -- "$@" -e "$key"
  done <<PARAMS
$params
PARAMS
fi
if [ "$KEEP_BACKUPS" -gt 0 ] && [ -f "$DATABASE" ]; then
  case $DATABASE in /*) ;; *) DATABASE=$PWD/$DATABASE ;; esac
  mkdir -p "$BACKUPS"
  # The name is ours (a checked tag and a time), so it can stand in sqlite3's quotes.
  backup="before-$version.$(date -u +%Y%m%dT%H%M%SZ).db"
  (cd "$BACKUPS" && sqlite3 -bail "$DATABASE" ".backup '$backup'")
  audit "action=backup version=$version file=$backup result=ok"
  echo "backed up $DATABASE to $BACKUPS/$backup"
  # shellcheck disable=SC2012 # our own names: no newlines or blanks
  ls -1t "$BACKUPS"/before-*.db | tail -n +"$((KEEP_BACKUPS + 1))" | while read -r old; do rm -f "$old"; done
fi
compose run --rm --no-deps "$@" "$APP_SERVICE" sh -c "$MIGRATE"
audit "action=migrate version=$version result=ok"
echo "migrated=$version"

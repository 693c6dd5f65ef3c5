# shellcheck shell=sh
# The functions deploy, rollback, migrate, lock, unlock and cleanup share (sent in front of each).
# Set above: APP_DIR, COMPOSE_FILE, SERVICES (checked names), REGION, WHO, COMMIT.
# deploy and rollback also set OVERLAP (services, checked names) and OVERLAP_TIMEOUT (seconds).
# The host's files, in APP_DIR: .env (IMAGE_TAG, ECR_REGISTRY and the app's settings),
# .deploy.lock (held by a release from its first host stage to the end of verify, or by lock),
# .previous-tag (the IMAGE_TAG before the last deploy), deploy-audit.log (one line per action),
# and the releases:
#   site/releases/NAME/  one per deploy, never changed once live: the bucket's config/ (the
#                        compose file, nginx.conf) and web/, .version, .registry, and .bridged
#                        (the assets of the release it replaced, linked into web/assets)
#   site/current         -> releases/NAME, a relative symlink switched with one rename; nginx
#                        mounts site/ at /srv/site and follows it per request
#   $COMPOSE_FILE        -> site/current/$COMPOSE_FILE, so compose and operators use the live one
set -eu
cd "$APP_DIR"

RELEASES=site/releases
# Where the compose file's nginx service mounts ./site (nginx -c /srv/site/current/nginx.conf).
SITE_MOUNT=/srv/site

now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# audit TEXT: one line in the audit log, with the time, who acts and the commit released.
audit() { printf '%s %s who=%s commit=%s\n' "$(now)" "$1" "$WHO" "$COMMIT" >> deploy-audit.log; }

# take_lock ACTION [keep]: the deploy lock, or the script ends with 75 (set -C: O_EXCL).
# A release's lock (deploy or migrate of a VERSION: action=release ...) is taken by its first host
# stage and kept after each stage that succeeds, so that the next stage of the same release (the
# same WHO: a workflow run, or user@host) goes on under it while any other release is refused; the
# release gives it back when verify (or its rollback) ends, and a stage that fails gives it back
# at once, as the old version is then serving again. Any other action (rollback, restore-db,
# remote migrate of the running version) holds it while it runs, or goes on under its own
# release's. keep: a manual lock, which only unlock ends.
take_lock() {
  mode=once
  if [ "${2:-}" = keep ]; then
    mode=keep
    line="holder=$WHO since=$(now) action=$1"
  elif [ -n "${VERSION:-}" ] && case "$1" in deploy | 'deploy '* | migrate | 'migrate '*) true ;; *) false ;; esac; then
    mode=release
    line="holder=$WHO since=$(now) action=release version=$VERSION stage=${1%% *}"
  else
    line="holder=$WHO since=$(now) action=$1"
  fi
  if ! (set -C; printf '%s\n' "$line" > .deploy.lock) 2>/dev/null; then
    held=$(cat .deploy.lock 2>/dev/null || true)
    case "$held" in
      "holder=$WHO "*" action=release "*) [ "$mode" = keep ] || { trap 'lock_exit' EXIT; return 0; } ;;
    esac
    echo "the deploy lock is held: $held" >&2
    exit 75
  fi
  case "$mode" in
    release) trap 'lock_exit' EXIT ;;
    once) trap 'rm -f "$APP_DIR/.deploy.lock"' EXIT ;;
  esac
}

# On exit: a failed stage ends the release, so its lock goes; one that succeeded keeps it.
lock_exit() {
  status=$?
  if [ "$status" -ne 0 ]; then rm -f "$APP_DIR/.deploy.lock"; fi
  exit "$status"
}

compose() { docker compose --project-directory "$APP_DIR" -f "$COMPOSE_FILE" "$@"; }

# compose_of NAME ARGS...: compose with release NAME's own file (before it is live).
compose_of() {
  release=$1
  shift
  docker compose --project-directory "$APP_DIR" -f "$RELEASES/$release/$COMPOSE_FILE" "$@"
}

current_tag() { sed -n 's/^IMAGE_TAG=//p' .env 2>/dev/null | tail -n 1; }

current_registry() { sed -n 's/^ECR_REGISTRY=//p' .env 2>/dev/null | tail -n 1; }

# The live release's name ("" before the first deploy of this layout).
current_release() {
  target=$(readlink site/current 2>/dev/null || true)
  printf '%s' "${target#releases/}"
}

# ecr_login REGISTRY: the password comes from the instance role and goes to docker on stdin.
ecr_login() {
  password=$(aws ecr get-login-password --region "$REGION")
  printf '%s' "$password" | docker login --username AWS --password-stdin "$1" >/dev/null
}

# set_env TAG REGISTRY: rewrites IMAGE_TAG and ECR_REGISTRY in .env (a temp file, then a rename;
# the other lines and the file's mode are kept).
set_env() {
  [ -f .env ] || (umask 077 && : > .env)
  cp -p .env .env.new
  awk -v tag="$1" -v reg="$2" '/^IMAGE_TAG=/ { print "IMAGE_TAG=" tag; t = 1; next }
    /^ECR_REGISTRY=/ { print "ECR_REGISTRY=" reg; r = 1; next } { print }
    END { if (!t) print "IMAGE_TAG=" tag; if (!r) print "ECR_REGISTRY=" reg }' .env > .env.new
  mv -f .env.new .env
}

# check_data_dir: refuses (exit 1) when DATA_DIR is not a mount point and REQUIRE_MOUNT is yes:
# the database would be written to the root disk and lost with the instance.
check_data_dir() {
  [ "$REQUIRE_MOUNT" = yes ] || return 0
  if command -v mountpoint >/dev/null 2>&1; then
    if mountpoint -q "$DATA_DIR"; then return 0; fi
  elif [ -d "$DATA_DIR" ] && [ "$(stat -c %d "$DATA_DIR")" != "$(stat -c %d "$DATA_DIR/..")" ]; then
    return 0
  fi
  echo "$DATA_DIR (data.dir) is not a mount point: the database would go to the root disk and be lost with the" \
    "instance. Mount the data volume there (user_data.sh does at boot), or set data.require-mount=false where the" \
    "data is meant to live on the root disk." >&2
  exit 1
}

# failed ACTION VERSION MESSAGE: says why, audits the failure and ends the script with 1 (the
# live release untouched; a fetched release that was not used, $DISCARD, removed).
failed() {
  echo "$3" >&2
  if [ -n "${DISCARD:-}" ]; then rm -rf "${RELEASES:?}/$DISCARD"; fi
  live=$(current_tag)
  audit "action=$1 version=$2 previous=${live:-none} result=failed"
  exit 1
}

# fetch_release VERSION REGISTRY BUCKET: the bucket's config/ and web/ into a new, empty release
# directory (so every file is downloaded: aws s3 sync skips a file of the same size that is not
# older), named in $FETCHED. A partial one (a deploy killed while fetching) is removed first.
fetch_release() {
  FETCHED="$(date -u +%Y%m%dT%H%M%SZ)-$1"
  mkdir -p "$RELEASES"
  rm -rf "$RELEASES"/.incoming-*
  incoming="$RELEASES/.incoming-$FETCHED"
  mkdir "$incoming"
  aws s3 sync --region "$REGION" "s3://$3/config/" "$incoming/" --only-show-errors
  aws s3 sync --region "$REGION" "s3://$3/web/" "$incoming/web/" --only-show-errors
  for needed in "$COMPOSE_FILE" nginx.conf web/index.html; do
    if [ ! -f "$incoming/$needed" ]; then
      rm -rf "$incoming"
      failed deploy "$1" "the deploy bucket has no $needed (s3://$3/config/ and web/): run 'release sync-web' for $1 first"
    fi
  done
  printf '%s\n' "$1" > "$incoming/.version"
  printf '%s\n' "$2" > "$incoming/.registry"
  mv -T "$incoming" "$RELEASES/$FETCHED"
}

# adopt_layout: on a host deployed before releases (the compose file, nginx.conf and web/ right in
# APP_DIR), those files become a release of the running tag (marked .adopted), so that rolling
# back to it works as to any other. Its compose file still mounts APP_DIR's nginx.conf and web/,
# which stay as they are; its nginx.conf is not tested again (that nginx has run it).
adopt_layout() {
  tag=$(current_tag)
  if [ -L site/current ] || [ -L "$COMPOSE_FILE" ] || [ ! -f "$COMPOSE_FILE" ] || [ -z "$tag" ]; then return 0; fi
  find_release "$tag"
  if [ -n "$FOUND" ]; then return 0; fi
  adopted="$(date -u +%Y%m%dT%H%M%SZ)-$tag"
  mkdir -p "$RELEASES/.incoming-$adopted"
  cp -p "$COMPOSE_FILE" "$RELEASES/.incoming-$adopted/"
  if [ -f nginx.conf ]; then cp -p nginx.conf "$RELEASES/.incoming-$adopted/"; fi
  if [ -d web ]; then cp -pR web "$RELEASES/.incoming-$adopted/web"; fi
  printf '%s\n' "$tag" > "$RELEASES/.incoming-$adopted/.version"
  current_registry > "$RELEASES/.incoming-$adopted/.registry"
  : > "$RELEASES/.incoming-$adopted/.adopted"
  mv -T "$RELEASES/.incoming-$adopted" "$RELEASES/$adopted"
}

# find_release VERSION: the newest kept release of VERSION, in $FOUND ("" when none is kept).
find_release() {
  FOUND=''
  for dir in "$RELEASES"/*; do
    [ -f "$dir/.version" ] && [ "$(cat "$dir/.version")" = "$1" ] && FOUND=${dir#"$RELEASES"/}
  done
  return 0
}


# bridge FROM TO: links the assets of FROM (a release directory, or the app directory of the
# layout before releases) that TO lacks into TO's web/assets and lists them in TO/.bridged, after
# removing those TO bridged before. Pages FROM rendered, still open in browsers or being served
# while the containers switch, keep their assets; the next switch drops them (as Kamal's
# asset_path does). Only FROM's own assets are carried, not those it bridged itself, unless both
# are the same version.
bridge() {
  # sh has no local variables: these names are the function's own (rollback.sh has its from).
  bridge_from=$1
  bridge_to=$2
  if [ -f "$bridge_to/.bridged" ]; then
    while IFS= read -r bridge_file; do rm -f "$bridge_to/web/assets/$bridge_file"; done < "$bridge_to/.bridged"
  fi
  : > "$bridge_to/.bridged.new"
  if [ -d "$bridge_from/web/assets" ]; then
    (cd "$bridge_from/web/assets" && find . -type f) | sed 's|^\./||' > "$bridge_to/.bridge.all"
    # A redeploy of the same version carries what it bridged too (the older version's images may
    # still be starting up).
    if [ -f "$bridge_from/.bridged" ] && [ "$(cat "$bridge_from/.version" 2>/dev/null || true)" != "$(cat "$bridge_to/.version")" ]; then
      grep -vxF -f "$bridge_from/.bridged" "$bridge_to/.bridge.all" > "$bridge_to/.bridge.own" || true
    else
      mv -f "$bridge_to/.bridge.all" "$bridge_to/.bridge.own"
    fi
    while IFS= read -r bridge_file; do
      [ ! -e "$bridge_to/web/assets/$bridge_file" ] || continue
      mkdir -p "$(dirname "$bridge_to/web/assets/$bridge_file")"
      ln "$bridge_from/web/assets/$bridge_file" "$bridge_to/web/assets/$bridge_file" 2>/dev/null || cp -p "$bridge_from/web/assets/$bridge_file" "$bridge_to/web/assets/$bridge_file"
      printf '%s\n' "$bridge_file" >> "$bridge_to/.bridged.new"
    done < "$bridge_to/.bridge.own"
    rm -f "$bridge_to/.bridge.all" "$bridge_to/.bridge.own"
  fi
  mv -f "$bridge_to/.bridged.new" "$bridge_to/.bridged"
}

# switch_release NAME: one rename makes release NAME live for nginx and compose.
switch_release() {
  mkdir -p site
  ln -s "releases/$1" site/.current.new
  mv -T site/.current.new site/current
  if [ ! -L "$COMPOSE_FILE" ]; then
    # The layout before releases: its compose file is kept beside, for a way back by hand.
    if [ -f "$COMPOSE_FILE" ]; then cp -p "$COMPOSE_FILE" "$COMPOSE_FILE.before-releases"; fi
    ln -s "site/current/$COMPOSE_FILE" .compose-link.new
    mv -T .compose-link.new "$COMPOSE_FILE"
  fi
}

# nginx re-reads its configuration (through site/current) gracefully: SIGHUP to its master.
reload_nginx() { compose kill -s HUP nginx >/dev/null; }

# start_services: up -d the app's services, then nginx on its own: in one `up`, compose v2
# recreates nginx whenever a service it depends on was recreated, which drops every connection;
# alone, nginx is recreated only when its own definition changed, and otherwise reloaded.
start_services() {
  # shellcheck disable=SC2046 # checked names, one word each
  compose up -d --no-deps $(app_services) && compose up -d --no-deps nginx
}

# The services other than nginx (SERVICES: names checked to be letters, digits, '_', '.', '-').
app_services() {
  for service in $SERVICES; do
    [ "$service" = nginx ] || printf '%s ' "$service"
  done
}

# ---- overlap: the new version serves beside the old while a container is replaced -------------
# For each OVERLAP service, a stand-in of the new version (a one-off container of the service,
# named SERVICE-standby-TIME) starts beside the live container under the service's network name,
# so Docker's DNS answers that name with both and nginx (its upstreams resolved per request, and
# reloaded) and the SSR server reach either: when compose replaces the service's container, its
# requests go to the stand-in (nginx tries the next address on a refused or timed-out connect),
# and the stand-in is removed once the new container passes its health check. Kamal starts the
# new container before stopping the old one for the same reason; compose cannot, as the compose
# file names its containers.

# The stand-ins' label, valued with APP_DIR: only this stack's are ever removed.
STANDBY_LABEL=monet.standby
# The services whose stand-in this deploy started (each named SERVICE-standby-$stamp).
OVERLAPPED=''
UNHEALTHY=''

# healthy CONTAINER: whether CONTAINER runs and its own health check (the compose file's
# healthcheck test, run once now with docker exec) passes; its last line of output in
# .health-check. Docker's own status comes only each `interval` (30 s in the compose file), too
# late to wait for. A container without a health check counts as healthy once it runs.
healthy() {
  if [ "$(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" != true ]; then
    echo 'not running' > .health-check
    return 1
  fi
  # The test's words, each ended by a NUL (docker inspect adds a newline after the last word,
  # which the sh below drops): CMD ARGS..., CMD-SHELL COMMAND, NONE, or nothing.
  # shellcheck disable=SC2016 # the sh -c script's own variables
  docker inspect -f '{{if .Config.Healthcheck}}{{range .Config.Healthcheck.Test}}{{printf "%s\x00" .}}{{end}}{{end}}' "$1" |
    xargs -0 sh -c '
      container=$1
      shift
      words=$#
      i=0
      for word; do
        i=$((i + 1))
        if [ "$i" -lt "$words" ]; then set -- "$@" "$word"; fi
      done
      shift "$words"
      case "${1:-NONE}" in
        CMD) shift && exec timeout 30 docker exec "$container" "$@" ;;
        CMD-SHELL) exec timeout 30 docker exec "$container" /bin/sh -c "$2" ;;
        *) exit 0 ;;
      esac' sh "$1" > .health-check.out 2>&1
  status=$?
  tail -n 1 .health-check.out > .health-check
  rm -f .health-check.out
  return "$status"
}

# await_healthy CONTAINER: waits, OVERLAP_TIMEOUT seconds at most, until CONTAINER passes its
# health check; false, with why in $UNHEALTHY, when it does not in time or is gone or exited.
await_healthy() {
  deadline=$(($(date +%s) + OVERLAP_TIMEOUT))
  until healthy "$1"; do
    state=$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$1" 2>/dev/null || echo 'gone 0')
    case "$state" in
      exited* | dead* | gone*)
        UNHEALTHY="it stopped (${state%% *}, exit code ${state#* })"
        return 1
        ;;
    esac
    if [ "$(date +%s)" -ge "$deadline" ]; then
      UNHEALTHY="it did not pass its health check in ${OVERLAP_TIMEOUT}s (deploy.overlap-timeout; last: $(cat .health-check))"
      return 1
    fi
    sleep 1
  done
}

# remove_standbys: stops (SIGTERM: their requests end) and removes this stack's stand-ins,
# whichever deploy started them.
remove_standbys() {
  standby_ids=$(docker ps -aq --filter "label=$STANDBY_LABEL=$APP_DIR" || true)
  if [ -n "$standby_ids" ]; then
    # shellcheck disable=SC2086 # container ids, one word each
    docker stop $standby_ids >/dev/null 2>&1 || true
    # shellcheck disable=SC2086
    docker rm -f $standby_ids >/dev/null 2>&1 || true
  fi
  rm -f .health-check
}

# watch_standbys DEPLOY: a deploy killed while stand-ins run must not leave two versions serving
# until the next deploy: a watcher outside the deploy's process tree (setsid, its parent gone at
# once), started before the first stand-in is created, removes the stand-ins labelled with this
# deploy's DEPLOY id once this shell has ended, whatever ended it (they are gone already when it
# ended well).
watch_standbys() {
  # shellcheck disable=SC2016 # the sh -c script's own variables
  (setsid sh -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done
    ids=$(docker ps -aq --filter "label=$2")
    if [ -n "$ids" ]; then docker rm -f $ids; fi' sh "$$" "$STANDBY_LABEL.deploy=$1" < /dev/null > /dev/null 2>&1 &)
}

# start_standbys RELEASE: a stand-in of each OVERLAP service, from release RELEASE's compose file
# (IMAGE_TAG and ECR_REGISTRY exported: the new version), once it passes its health check nginx
# is reloaded so its new workers resolve the service's name to both. Leftover stand-ins (a deploy
# killed before its watcher ran) are removed first. False, with why in $UNHEALTHY and nothing
# left running, when a stand-in does not start or pass its health check: nothing else changed.
start_standbys() {
  remove_standbys
  OVERLAPPED=''
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  for service in $OVERLAP; do
    # Nothing to overlap before the service's first start.
    [ -n "$(own_container "$service")" ] || continue
    if [ -z "$OVERLAPPED" ]; then watch_standbys "$$-$stamp"; fi
    OVERLAPPED="$OVERLAPPED $service"
    if ! compose_of "$1" run -d --no-deps --use-aliases --name "$service-standby-$stamp" \
      --label "$STANDBY_LABEL=$APP_DIR" --label "$STANDBY_LABEL.deploy=$$-$stamp" "$service" > /dev/null; then
      remove_standbys
      UNHEALTHY="the stand-in of $service did not start"
      return 1
    fi
  done
  [ -n "$OVERLAPPED" ] || return 0
  for service in $OVERLAPPED; do
    if ! await_healthy "$service-standby-$stamp"; then
      UNHEALTHY="$service of the new version, started beside the live one: $UNHEALTHY"
      remove_standbys
      return 1
    fi
  done
  # The live nginx, whichever compose file started it.
  nginx_id=$(own_container nginx)
  if [ -n "$nginx_id" ]; then docker kill -s HUP "$nginx_id" > /dev/null; fi
}

# own_container SERVICE: the id of SERVICE's running container in this stack (not a one-off; the
# label compose gives its containers, as status.sh filters on).
own_container() {
  docker ps -q --filter "label=com.docker.compose.project.working_dir=$PWD" \
    --filter "label=com.docker.compose.service=$1" --filter label=com.docker.compose.oneoff=False | head -n 1
}

# take_over: once each OVERLAP service's own container passes its health check, the stand-ins go
# and nginx is reloaded, so no new worker keeps a stand-in's address. False (why in $UNHEALTHY)
# when one does not: the caller puts the old release back.
take_over() {
  [ -n "$OVERLAPPED" ] || return 0
  for service in $OVERLAPPED; do
    id=$(own_container "$service")
    if [ -z "$id" ]; then
      UNHEALTHY="$service has no container"
      return 1
    fi
    if ! await_healthy "$id"; then
      UNHEALTHY="$service of the new version: $UNHEALTHY"
      return 1
    fi
  done
  remove_standbys
  OVERLAPPED=''
  reload_nginx
}

# activate ACTION NAME VERSION REGISTRY: makes release NAME live with the images of VERSION:
# nginx -t on its nginx.conf in a one-off container of its own compose file's nginx service
# (image, mounts, certificates), the app's images pulled, the OVERLAP services' stand-ins started
# and healthy, bridge the live release's assets, switch (site/current and .env), up -d, reload
# nginx, and once the new containers pass their health check the stand-ins removed. Until the
# switch nothing live has changed but the stand-ins serving beside the old containers, so a
# failed pull, nginx -t or stand-in ends the script (failed) with the old version serving whole;
# if the start fails, the stand-ins go, the old release and .env are put back and started again,
# and the script ends with 1.
activate() {
  action=$1
  name=$2
  before=$(current_tag)
  old=$(current_release)
  export IMAGE_TAG="$3" ECR_REGISTRY="$4"
  [ -f .env ] || (umask 077 && : > .env) # the compose file's env_file, before the first deploy
  compose_of "$name" pull nginx || failed "$action" "$3" "$action of $3 failed: the nginx image could not be pulled; ${before:-nothing} keeps serving"
  if [ ! -f "$RELEASES/$name/.adopted" ] && ! out=$(compose_of "$name" run --rm --no-deps -T --entrypoint nginx nginx -t -q -c "$SITE_MOUNT/releases/$name/nginx.conf" 2>&1); then
    failed "$action" "$3" "$out
$action of $3 refused: its nginx.conf fails nginx -t, so it is not used; ${before:-nothing} keeps serving"
  fi
  ecr_login "$4" || failed "$action" "$3" "$action of $3 failed: no ECR login; ${before:-nothing} keeps serving"
  # shellcheck disable=SC2046 # checked names, one word each
  compose_of "$name" pull $(app_services) || failed "$action" "$3" "$action of $3 failed: the images could not be pulled; ${before:-nothing} keeps serving"
  if ! start_standbys "$name"; then
    failed "$action" "$3" "$action of $3 refused: $UNHEALTHY; ${before:-nothing} keeps serving"
  fi
  if [ "$old" != "$name" ]; then
    if [ -n "$old" ]; then bridge "$RELEASES/$old" "$RELEASES/$name"; else bridge "$APP_DIR" "$RELEASES/$name"; fi
  fi
  if [ -f .env ]; then cp -p .env .env.before; else rm -f .env.before; fi
  switch_release "$name"
  set_env "$3" "$4"
  if ! { start_services && reload_nginx && take_over; }; then
    echo "$action of $3 failed${UNHEALTHY:+: $UNHEALTHY}; putting ${before:-nothing} back" >&2
    remove_standbys
    if [ -f .env.before ]; then mv -f .env.before .env; fi
    if [ -n "$old" ]; then
      switch_release "$old"
    elif [ -f "$COMPOSE_FILE.before-releases" ]; then
      mv -f "$COMPOSE_FILE.before-releases" "$COMPOSE_FILE"
      rm -f site/current
    fi
    ECR_REGISTRY=$(current_registry)
    export IMAGE_TAG="$before" ECR_REGISTRY
    start_services || true
    reload_nginx || true
    audit "action=$action version=$3 previous=${before:-none} result=failed"
    exit 1
  fi
  rm -f .env.before
  audit "action=$action version=$3 previous=${before:-none} result=ok"
}

# prune_releases KEEP: removes all but the newest KEEP release directories, never the live one
# nor the one .previous-tag names.
prune_releases() {
  live=$(current_release)
  find_release "$(cat .previous-tag 2>/dev/null || true)"
  # shellcheck disable=SC2012 # the names are ours: a time stamp and a checked tag
  ls -1 "$RELEASES" | sort -r | awk -v keep="$1" 'NR > keep' | while IFS= read -r dir; do
    if [ "$dir" != "$live" ] && [ "$dir" != "$FOUND" ]; then rm -rf "${RELEASES:?}/$dir"; fi
  done
}

# shellcheck shell=sh
# The functions deploy, rollback, migrate, lock, unlock and cleanup share (sent in front of each).
# Set above: APP_DIR, COMPOSE_FILE, SERVICES (checked names), REGION, WHO, COMMIT.
# The host's files, in APP_DIR: .env (IMAGE_TAG, ECR_REGISTRY and the app's settings),
# .deploy.lock (held by a deploy, rollback, migrate or lock), .previous-tag (the IMAGE_TAG before
# the last deploy) and deploy-audit.log (one line per action).
set -eu
cd "$APP_DIR"

now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# audit TEXT: one line in the audit log, with the time, who acts and the commit released.
audit() { printf '%s %s who=%s commit=%s\n' "$(now)" "$1" "$WHO" "$COMMIT" >> deploy-audit.log; }

# take_lock ACTION [keep]: creates the lock file or ends the script with 75 (set -C: O_EXCL);
# without keep, the lock goes when the script ends, however it ends.
take_lock() {
  if ! (set -C; printf 'holder=%s since=%s action=%s\n' "$WHO" "$(now)" "$1" > .deploy.lock) 2>/dev/null; then
    echo "the deploy lock is held: $(cat .deploy.lock 2>/dev/null)" >&2
    exit 75
  fi
  [ "${2:-}" = keep ] || trap 'rm -f "$APP_DIR/.deploy.lock"' EXIT
}

compose() { docker compose -f "$COMPOSE_FILE" "$@"; }

current_tag() { sed -n 's/^IMAGE_TAG=//p' .env 2>/dev/null | tail -n 1; }

current_registry() { sed -n 's/^ECR_REGISTRY=//p' .env 2>/dev/null | tail -n 1; }

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

# switch_to ACTION TAG REGISTRY: runs the services at TAG; if the pull or the start fails, the
# old .env is put back, the old version started again, and the script ends with 1.
switch_to() {
  before=$(current_tag)
  if [ -f .env ]; then cp -p .env .env.before; else rm -f .env.before; fi
  set_env "$2" "$3"
  # shellcheck disable=SC2086 # SERVICES: names checked to be letters, digits, '_', '.', '-'
  if ! { ecr_login "$3" && compose pull $SERVICES && compose up -d $SERVICES; }; then
    echo "$1 of $2 failed: putting IMAGE_TAG=${before:-none} back" >&2
    if [ -f .env.before ]; then mv -f .env.before .env; fi
    # shellcheck disable=SC2086
    compose up -d $SERVICES || true
    audit "action=$1 version=$2 previous=${before:-none} result=failed"
    exit 1
  fi
  rm -f .env.before
  audit "action=$1 version=$2 previous=${before:-none} result=ok"
}

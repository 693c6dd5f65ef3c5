# shellcheck shell=sh
# The running IMAGE_TAG, from APP_DIR/.env.
test -r "$APP_DIR/.env" || { echo "no $APP_DIR/.env on the host" >&2; exit 1; }
sed -n 's/^IMAGE_TAG=//p' "$APP_DIR/.env" | tail -n 1

# shellcheck shell=sh
# Restarts one compose service, with the project directory and file deploy's compose() uses.
cd "$APP_DIR" && docker compose --project-directory "$APP_DIR" -f "$COMPOSE_FILE" restart "$SERVICE"

# shellcheck shell=sh
# Restarts one compose service.
cd "$APP_DIR" && docker compose -f "$COMPOSE_FILE" restart "$SERVICE"

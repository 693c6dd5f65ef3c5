# shellcheck shell=sh
# What release status shows from the host: the running and previous tags, the lock, the last
# AUDIT_LINES lines of the audit log and the containers.
cd "$APP_DIR" || exit 1
echo "image_tag=$(sed -n 's/^IMAGE_TAG=//p' .env 2>/dev/null | tail -n 1)"
echo "ecr_registry=$(sed -n 's/^ECR_REGISTRY=//p' .env 2>/dev/null | tail -n 1)"
echo "previous_tag=$(cat .previous-tag 2>/dev/null)"
if [ -f .deploy.lock ]; then echo "lock=$(cat .deploy.lock)"; else echo 'lock=free'; fi
echo "--- audit (last $AUDIT_LINES)"
tail -n "$AUDIT_LINES" deploy-audit.log 2>/dev/null || echo '(no audit log yet)'
echo '--- containers'
docker compose --project-directory "$APP_DIR" -f "$COMPOSE_FILE" ps 2>&1 || true

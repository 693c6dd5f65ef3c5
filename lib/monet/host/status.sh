# shellcheck shell=sh
# What remote status reports, in sections the client reads: the containers, the disk of / and
# DATA_DIR, and what SITE_URL's /api/version and /ssr-health answer (with the HTTP status).
echo '==monet== containers'
docker ps -a --format '{{.Names}}\t{{.State}}\t{{.Status}}\t{{.Image}}'
echo '==monet== disk'
df -Pk / "$DATA_DIR"
for endpoint in api-version:/api/version ssr-health:/ssr-health; do
  echo "==monet== ${endpoint%%:*}"
  curl -sS -m 10 -w '\n==monet-http== %{http_code}\n' "$SITE_URL${endpoint#*:}" 2>&1 || true
done

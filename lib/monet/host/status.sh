# shellcheck shell=sh
# What remote status reports, in sections the client reads: the containers, the disk of / and
# DATA_DIR, and what SITE_URL's /api/version and /ssr-health answer (with the HTTP status).
# The containers are the stack's: those compose made from APP_DIR's compose file, without the
# one-off ones of `compose run`. Any other container on the host (a build's, an operator's, a
# one-off left stopped by a killed migrate) says nothing about the site's health.
echo '==monet== containers'
cd "$APP_DIR" && docker ps -a --filter "label=com.docker.compose.project.working_dir=$PWD" \
  --filter label=com.docker.compose.oneoff=False --format '{{.Names}}\t{{.State}}\t{{.Status}}\t{{.Image}}'
echo '==monet== disk'
df -Pk / "$DATA_DIR"
for endpoint in api-version:/api/version ssr-health:/ssr-health; do
  echo "==monet== ${endpoint%%:*}"
  curl -sS -m 10 -w '\n==monet-http== %{http_code}\n' "$SITE_URL${endpoint#*:}" 2>&1 || true
done

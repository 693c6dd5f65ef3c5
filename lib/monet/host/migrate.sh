# shellcheck shell=sh
# Runs the app's migrations (MIGRATE, a command line for the container's sh) under the lock in a
# one-off container of APP_SERVICE at VERSION (empty: the running IMAGE_TAG), pulled from
# REGISTRY (empty: .env's ECR_REGISTRY) unless it is the running one. The app's secrets are
# read here from Parameter Store under PARAMETERS with the instance role (none when it is
# empty) and reach the container by name only (-e NAME), never as values in an argument.
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
compose run --rm --no-deps "$@" "$APP_SERVICE" sh -c "$MIGRATE"
audit "action=migrate version=$version result=ok"
echo "migrated=$version"

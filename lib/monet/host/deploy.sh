# shellcheck shell=sh
# Deploys VERSION from REGISTRY under the lock: the config and web files from BUCKET, IMAGE_TAG
# and ECR_REGISTRY in .env, pull and start (switch_to puts the old version back if that fails),
# then records the tag it replaced for rollback. Ends with one line: deployed=... previous=...
take_lock "deploy $VERSION"
aws s3 sync --region "$REGION" "s3://$BUCKET/config/" "$APP_DIR/" --only-show-errors
mkdir -p web
aws s3 sync --region "$REGION" "s3://$BUCKET/web/" "$APP_DIR/web/" --delete --only-show-errors
previous=$(current_tag)
switch_to deploy "$VERSION" "$REGISTRY"
if [ -n "$previous" ] && [ "$previous" != "$VERSION" ]; then
  printf '%s\n' "$previous" > .previous-tag.new && mv -f .previous-tag.new .previous-tag
fi
echo "deployed=$VERSION previous=$previous"

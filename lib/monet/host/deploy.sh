# shellcheck shell=sh
# Deploys VERSION from REGISTRY under the release's lock: the bucket's config/ and web/ into a new
# release directory, then activate (pull, nginx -t, bridge, switch, up -d, reload nginx; the old
# release serves whole if any of it fails), the tag it replaced recorded for rollback, and all but
# KEEP_RELEASES releases pruned. Ends with one line: deployed=... previous=...
take_lock deploy
check_data_dir
previous=$(current_tag)
adopt_layout
fetch_release "$VERSION" "$REGISTRY" "$BUCKET"
export DISCARD="$FETCHED" # failed removes it: never used
activate deploy "$FETCHED" "$VERSION" "$REGISTRY"
if [ -n "$previous" ] && [ "$previous" != "$VERSION" ]; then
  printf '%s\n' "$previous" > .previous-tag.new && mv -f .previous-tag.new .previous-tag
fi
prune_releases "$KEEP_RELEASES"
echo "deployed=$VERSION previous=$previous"

# shellcheck shell=sh
# Removes the registry's images other than the current and previous tags and latest, then dangling
# ones (listed as REPOSITORY:<none>, which only the prune can remove), and returns when that is
# done. Not in the background: the caller (the release's cleanup stage, over SSM with its timeout)
# then waits for the prune, sees what it removed and what docker refused, and no prune outlives
# the command that started it.
current=$(current_tag)
previous=$(cat .previous-tag 2>/dev/null || true)
registry=$(current_registry)
echo "pruning images of $registry other than ${current:-?} and ${previous:-?}"
old=$(docker images --format '{{.Repository}}:{{.Tag}}' \
  | awk -F: -v r="$registry/" -v a="$current" -v b="$previous" \
    'index($0, r) == 1 && $NF != a && $NF != b && $NF != "latest" && $NF != "<none>"')
refused=''
for image in $old; do
  # One at a time: an image docker refuses (a container still uses it) does not keep the others.
  docker rmi "$image" || refused="$refused $image"
done
docker image prune -f
if [ -n "$refused" ]; then
  echo "docker refused to remove:$refused (see its reason above); the release itself stands" >&2
  exit 1
fi

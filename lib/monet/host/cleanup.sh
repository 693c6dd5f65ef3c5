# shellcheck shell=sh
# Removes, in the background, the registry's images other than the current and previous tags
# and latest, then dangling ones; returns at once.
current=$(current_tag)
previous=$(cat .previous-tag 2>/dev/null || true)
registry=$(current_registry)
# shellcheck disable=SC2016 # the inner script's variables are its own
nohup sh -c '
  docker images --format "{{.Repository}}:{{.Tag}}" \
    | awk -F: -v r="$1/" -v a="$2" -v b="$3" "index(\$0, r) == 1 && \$NF != a && \$NF != b && \$NF != \"latest\"" \
    | xargs -r docker rmi
  docker image prune -f
' cleanup "$registry" "$current" "$previous" >/dev/null 2>&1 </dev/null &
echo "pruning images of $registry other than ${current:-?} and ${previous:-?} in the background (pid $!)"

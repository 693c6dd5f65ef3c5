# shellcheck shell=sh
# docker logs of SERVICE: the last LINES lines (-1: all), since SINCE when it is set (a duration
# or a time), with docker's timestamps when TIMESTAMPS is yes.
set --
if [ "$LINES" -ge 0 ]; then set -- "$@" --tail "$LINES"; fi
if [ -n "$SINCE" ]; then set -- "$@" --since "$SINCE"; fi
if [ "$TIMESTAMPS" = yes ]; then set -- "$@" --timestamps; fi
docker logs "$@" "$SERVICE" 2>&1

# shellcheck shell=sh
# Takes the deploy lock and keeps it, for REASON, until unlock.
take_lock "manual: $REASON" keep
audit "action=lock reason=$(printf '%s' "$REASON" | tr -s ' \t\n' '___')"
echo "locked: $(cat .deploy.lock)"

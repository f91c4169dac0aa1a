#!/usr/bin/env bash
# Prints a short digest of the warnings and errors in the edge and API logs: what a failed CI run
# leaves behind is only its printed output, so the evidence has to be in it.
source "$(dirname "$0")/lib/env.sh"
cd "$RP_LOG_DIR" 2>/dev/null || exit 0
echo "--- warnings and errors by log and message (count) ---"
for f in edge-*.log api.log; do
  [ -f "$f" ] || continue
  grep -h '"level":"\(warn\|error\)"' "$f" | sed -E 's/.*"message":"([^"]{0,90}).*/\1/' | sort | uniq -c | sort -rn | head -8 | sed "s/^/$f: /"
done
echo "--- the last warnings and errors of the main edges ---"
grep -h '"level":"\(warn\|error\)"' edge-edge-*.log 2>/dev/null | sed -E 's/^(.*)"timestamp":"([^"]+)"(.*)$/\2 \1\3/' | sort | tail -15 | cut -c1-300
echo "--- each edge's counters (from its last heartbeat in Redis) ---"
redis-cli -p "$REDIS_PORT" --raw hgetall "${RP_KEY_PREFIX:-rp:}{edges}" 2>/dev/null | paste - - | cut -c1-1200 || true

#!/usr/bin/env bash
# One line per process the scripts manage, then the API's readiness.
set -uo pipefail
source "$(dirname "$0")/lib/env.sh"
bash "$ROOT_DIR/scripts/rocketmq.sh" status
bash "$ROOT_DIR/scripts/redis.sh" status
for f in "$RP_RUN_DIR"/edge-*.pid; do
  [ -e "$f" ] || continue
  name=$(basename "$f" .pid)
  if pid_alive "$name"; then echo "$name: running (pid $(cat "$f"))"; else echo "$name: stopped"; fi
done
if pid_alive api; then echo "api: running (pid $(cat "$RP_RUN_DIR/api.pid"), port $API_PORT)"; else echo "api: stopped"; fi
if curl -fs "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1; then echo "ready: yes"; else echo "ready: no"; fi

#!/usr/bin/env bash
# Stops every process the scripts started (by pid file only): API, edges, Redis, RocketMQ.
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
stop_pid api 20
for f in "$RP_RUN_DIR"/edge-*.pid; do
  [ -e "$f" ] || continue
  name=$(basename "$f" .pid)
  stop_pid "$name" 30
done
bash "$ROOT_DIR/scripts/rocketmq.sh" stop
bash "$ROOT_DIR/scripts/redis.sh" stop
log "rocketpush is down"

#!/usr/bin/env bash
# Stops every process the scripts started (by pid file only): autoscaler, API, edges, Redis, RocketMQ.
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
# The autoscaler first, so that it starts nothing while the rest goes down.
stop_pid autoscaler 20
stop_pid api 20
for name in $(edge_names); do
  stop_pid "$name" 30
  rm -f "$RP_RUN_DIR/$name.http"
done
bash "$ROOT_DIR/scripts/rocketmq.sh" stop
bash "$ROOT_DIR/scripts/redis.sh" stop
rm -f "$RP_RUN_DIR/topology"
log "rocketpush is down"

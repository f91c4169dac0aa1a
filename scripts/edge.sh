#!/usr/bin/env bash
# One edge process: start ID PORT | stop ID. Extra edges join the running cluster with no other change.
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"

start() {
  local id=$1 port=$2
  if pid_alive "edge-$id"; then return 0; fi
  port_open "$port" && die "port $port is taken (edge $id)"
  # Must match edgeConsumerGroup() in src/bus/names.ts.
  bash "$ROOT_DIR/scripts/rocketmq.sh" group "rp-edge-$id"
  log "starting edge $id on MQTT port $port"
  : >"$RP_LOG_DIR/edge-$id.log"
  EDGE_ID="$id" MQTT_PORT="$port" setsid nohup node "$ROOT_DIR/dist/edge/main.js" >>"$RP_LOG_DIR/edge-$id.log" 2>&1 </dev/null &
  echo $! >"$RP_RUN_DIR/edge-$id.pid"
  wait_for_line "$RP_LOG_DIR/edge-$id.log" '"message":"edge ready"' 60 "edge $id" "edge-$id"
}

case "${1:-}" in
  start) [ $# -eq 3 ] || die "usage: $0 start ID PORT"; start "$2" "$3" ;;
  stop) [ $# -eq 2 ] || die "usage: $0 stop ID"; stop_pid "edge-$2" 30 ;;
  *) echo "usage: $0 start ID PORT | stop ID" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# One edge process: start ID PORT | stop ID. Extra edges join the running cluster with no other change.
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"

start() {
  local id=$1 port=$2 ws_port=${3:-} tls_port=${4:-}
  if pid_alive "edge-$id"; then return 0; fi
  port_open "$port" && die "port $port is taken (edge $id)"
  # Must match edgeConsumerGroup() in src/bus/names.ts.
  bash "$ROOT_DIR/scripts/rocketmq.sh" edge-group "rp-edge-$id"
  log "starting edge $id on MQTT port $port"
  : >"$RP_LOG_DIR/edge-$id.log"
  # RP_EDGE_NODE_ARGS: extra node flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile an edge.
  local extra=()
  [ -n "$ws_port" ] && extra+=("MQTT_WS_PORT=$ws_port")
  [ -n "$tls_port" ] && extra+=("MQTT_TLS_PORT=$tls_port" "MQTT_TLS_CERT_FILE=$RP_TLS_CERT_FILE" "MQTT_TLS_KEY_FILE=$RP_TLS_KEY_FILE")
  env "${extra[@]}" EDGE_ID="$id" MQTT_PORT="$port" setsid nohup node ${RP_EDGE_NODE_ARGS:-} "$ROOT_DIR/dist/edge/main.js" >>"$RP_LOG_DIR/edge-$id.log" 2>&1 </dev/null &
  echo $! >"$RP_RUN_DIR/edge-$id.pid"
  wait_for_line "$RP_LOG_DIR/edge-$id.log" '"message":"edge ready"' 60 "edge $id" "edge-$id"
}

case "${1:-}" in
  start) [ $# -ge 3 ] && [ $# -le 5 ] || die "usage: $0 start ID PORT [WS_PORT] [TLS_PORT]"; start "$2" "$3" "${4:-}" "${5:-}" ;;
  stop) [ $# -eq 2 ] || die "usage: $0 stop ID"; stop_pid "edge-$2" 30 ;;
  *) echo "usage: $0 start ID PORT [WS_PORT] [TLS_PORT] | stop ID" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# One edge process: start ID PORT | drain ID | stop ID. Extra edges join the running cluster with no
# other change. drain and stop are the same: SIGTERM makes the edge drain (not-ready at once, no new
# connections, the open ones closed at EDGE_DRAIN_RATE without wills), then stop and exit.
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"

start() {
  local id=$1 port=$2 ws_port=${3:-} tls_port=${4:-} http_port=${5:-}
  [ -n "$http_port" ] || http_port=$((port + 8000))
  if pid_alive "edge-$id" || supervisor_alive "edge-$id"; then return 0; fi
  port_open "$port" && die "port $port is taken (edge $id)"
  port_open "$http_port" && die "HTTP port $http_port is taken (edge $id)"
  # Must match edgeConsumerGroup() in src/bus/names.ts.
  bash "$ROOT_DIR/scripts/rocketmq.sh" edge-group "rp-edge-$id"
  log "starting edge $id on MQTT port $port (health on http://127.0.0.1:$http_port)"
  # RP_EDGE_NODE_ARGS: extra node flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile an edge.
  local extra=()
  [ -n "$ws_port" ] && extra+=("MQTT_WS_PORT=$ws_port")
  [ -n "$tls_port" ] && extra+=("MQTT_TLS_PORT=$tls_port" "MQTT_TLS_CERT_FILE=$RP_TLS_CERT_FILE" "MQTT_TLS_KEY_FILE=$RP_TLS_KEY_FILE")
  local logfile="$RP_LOG_DIR/edge-$id.log"
  # A young generation of RP_NODE_SEMI_SPACE_MB: deliveries in flight live across turns of the
  # event loop, and with V8's default (16 MiB) every scavenge copied them, 50 % of a fanning-out
  # edge's CPU (docs/benchmarks.md).
  local cmd=(env "${extra[@]}" EDGE_ID="$id" MQTT_PORT="$port" EDGE_HTTP_PORT="$http_port" node --max-semi-space-size="$RP_NODE_SEMI_SPACE_MB" ${RP_EDGE_NODE_ARGS:-} "$ROOT_DIR/dist/edge/main.js")
  # Supervised (restarted when it dies) unless RP_SUPERVISE=0: tests that kill an edge on purpose.
  if [ "${RP_SUPERVISE:-1}" = "1" ]; then
    supervised "edge-$id" "$logfile" "${cmd[@]}"
  else
    rotate_log "$logfile"
    setsid nohup "${cmd[@]}" >>"$logfile" 2>&1 </dev/null &
    echo $! >"$RP_RUN_DIR/edge-$id.pid"
  fi
  echo "$http_port" >"$RP_RUN_DIR/edge-$id.http"
  wait_ready "http://127.0.0.1:$http_port/readyz" 90 "edge $id" "edge-$id" "$logfile"
}

case "${1:-}" in
  start) [ $# -ge 3 ] && [ $# -le 6 ] || die "usage: $0 start ID PORT [WS_PORT] [TLS_PORT] [HTTP_PORT]"; start "$2" "$3" "${4:-}" "${5:-}" "${6:-}" ;;
  stop|drain)
    [ $# -eq 2 ] || die "usage: $0 $1 ID"
    # The drain's own limit (EDGE_DRAIN_TIMEOUT_MS) plus the time its parts take to stop.
    stop_pid "edge-$2" $(( ${EDGE_DRAIN_TIMEOUT_MS:-30000} / 1000 + 30 ))
    rm -f "$RP_RUN_DIR/edge-$2.http"
    if [ "$1" = drain ]; then log "edge $2 drained and stopped"; fi
    ;;
  *) echo "usage: $0 start ID PORT [WS_PORT] [TLS_PORT] [HTTP_PORT] | drain ID | stop ID" >&2; exit 2 ;;
esac

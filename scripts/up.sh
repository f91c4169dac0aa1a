#!/usr/bin/env bash
# Brings the whole system up: RocketMQ (name server, broker, proxy), Redis, the edges and the API
# (and the autoscaler with AUTOSCALE_ENABLED=1).
# In the foreground by default: Ctrl-C stops everything it started. --detach returns once all is ready.
# --ha starts the highly available topology instead of the single-node one (docs/architecture.md).
set -euo pipefail

detach=false
want=single
for arg in "$@"; do
  case "$arg" in
    --detach) detach=true ;;
    --ha) want=ha ;;
    *) echo "usage: npm start [-- [--ha] [--detach]]" >&2; exit 2 ;;
  esac
done
source "$(dirname "$0")/lib/env.sh"
cd "$ROOT_DIR"
# One topology at a time: the processes of the other one hold the same ports.
if [ -f "$RP_RUN_DIR/topology" ] && [ "$RP_TOPOLOGY" != "$want" ] && any_pid_alive; then
  die "the $RP_TOPOLOGY topology is running; stop it first (npm stop), then start the $want one"
fi
if [ "$RP_TOPOLOGY" != "$want" ]; then
  export RP_TOPOLOGY=$want
  # Re-read the defaults that depend on the topology (proxy list, sentinels).
  unset ROCKETMQ_NAMESRV_ADDR ROCKETMQ_ENDPOINTS REDIS_SENTINELS REDIS_SENTINEL_NAME
  source "$ROOT_DIR/scripts/lib/env.sh"
fi
echo "$RP_TOPOLOGY" >"$RP_RUN_DIR/topology"

[ "${RP_SETUP_DONE:-0}" = 1 ] || bash scripts/setup.sh
bash scripts/redis.sh start
bash scripts/rocketmq.sh start

IFS=',' read -r -a ports <<<"$RP_EDGE_PORTS"
IFS=',' read -r -a ws_ports <<<"$RP_EDGE_WS_PORTS"
IFS=',' read -r -a tls_ports <<<"$RP_EDGE_TLS_PORTS"
IFS=',' read -r -a http_ports <<<"$RP_EDGE_HTTP_PORTS"
# The edges side by side (each waits for its own readiness), and the API beside them: it needs
# RocketMQ and Redis, not the edges.
edge_pids=()
for i in "${!ports[@]}"; do
  bash scripts/edge.sh start "edge-$((i + 1))" "${ports[$i]}" "${ws_ports[$i]:-}" "${tls_ports[$i]:-}" "${http_ports[$i]:-}" &
  edge_pids+=($!)
done

# Without API_KEYS of your own, one admin key is made once and kept in .data/api-key.
if [ -z "${API_KEYS:-}" ]; then
  [ -s "$RP_API_KEY_FILE" ] || { umask 077; node -e "process.stdout.write(require('crypto').randomBytes(24).toString('base64url'))" >"$RP_API_KEY_FILE"; }
  export API_KEYS="admin:$(cat "$RP_API_KEY_FILE"):*"
fi
if ! pid_alive api && ! supervisor_alive api; then
  port_open "$API_PORT" && die "port $API_PORT is taken (set API_PORT)"
  log "starting API on :$API_PORT"
  supervised api "$RP_LOG_DIR/api.log" node --max-semi-space-size="$RP_NODE_SEMI_SPACE_MB" dist/api/main.js
  wait_ready "http://127.0.0.1:$API_PORT/readyz" 60 "API" api "$RP_LOG_DIR/api.log"
fi
failed=0
for p in "${edge_pids[@]}"; do wait "$p" || failed=1; done
[ $failed -eq 0 ] || die "an edge did not start (see above)"

# The autoscaler, when asked for (AUTOSCALE_ENABLED=1): it starts and drains edges itself.
if [[ "${AUTOSCALE_ENABLED:-0}" =~ ^(1|true)$ ]] && ! pid_alive autoscaler && ! supervisor_alive autoscaler; then
  log "starting the autoscaler (driver ${AUTOSCALE_DRIVER:-local}, metrics on :${AUTOSCALE_HTTP_PORT:-9890})"
  supervised autoscaler "$RP_LOG_DIR/autoscaler.log" node dist/autoscaler/main.js
  wait_ready "http://127.0.0.1:${AUTOSCALE_HTTP_PORT:-9890}/healthz" 30 "autoscaler" autoscaler "$RP_LOG_DIR/autoscaler.log"
fi

log "rocketpush ($RP_TOPOLOGY topology) is up: MQTT on ${RP_EDGE_PORTS}, MQTT/WebSocket on ${RP_EDGE_WS_PORTS} (path /mqtt), MQTT/TLS on ${RP_EDGE_TLS_PORTS}; logs in $RP_LOG_DIR"
# The last line: where to go next.
if [ -s "$RP_API_KEY_FILE" ] && [[ "$API_KEYS" == "admin:$(cat "$RP_API_KEY_FILE"):*" ]]; then key_note="the admin API key is in $RP_API_KEY_FILE"; else key_note="API keys from API_KEYS"; fi
log "API http://127.0.0.1:$API_PORT (reference /docs/) - dashboard http://127.0.0.1:$API_PORT/dashboard - $key_note"
if $detach; then exit 0; fi

log "press Ctrl-C to stop everything"
trap 'trap - INT TERM; echo; bash "$ROOT_DIR/scripts/down.sh"; exit 0' INT TERM
while supervisor_alive api; do sleep 1; done
log "the API's supervisor exited; stopping the rest"
bash scripts/down.sh

#!/usr/bin/env bash
# Redis from Debian on its own port: install | start | stop | status.
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
REDIS_DIR="$RP_DATA_DIR/redis"
mkdir -p "$REDIS_DIR"

install() {
  command -v redis-server >/dev/null && return 0
  log "installing redis-server from Debian"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >"$RP_LOG_DIR/apt.log" 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >>"$RP_LOG_DIR/apt.log" 2>&1 \
    || { tail -n 20 "$RP_LOG_DIR/apt.log" >&2; die "could not install redis-server"; }
}

start() {
  install
  if pid_alive redis; then return 0; fi
  port_open "$REDIS_PORT" && die "port $REDIS_PORT is taken by another process (set REDIS_PORT)"
  log "starting Redis on :$REDIS_PORT"
  # appendonly: the retained messages and registries survive a Redis restart (see docs/architecture.md).
  setsid redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --appendonly yes \
    --appendfsync everysec --save "" --daemonize no --logfile "$RP_LOG_DIR/redis.log" </dev/null >/dev/null 2>&1 &
  echo $! >"$RP_RUN_DIR/redis.pid"
  local i=0
  until redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; do
    sleep 0.1; i=$((i + 1))
    if ! pid_alive redis || [ $i -gt 100 ]; then tail -n 20 "$RP_LOG_DIR/redis.log" >&2; die "Redis did not start"; fi
  done
}

stop() { stop_pid redis 10; }

status() {
  if pid_alive redis; then echo "redis: running (pid $(cat "$RP_RUN_DIR/redis.pid"), port $REDIS_PORT)"; else echo "redis: stopped"; fi
}

# The highly available Redis (RP_TOPOLOGY=ha): a master and a replica (scripts/lib/redis-node.sh)
# and three sentinels, each supervised. Clients find the master through the sentinels; when it dies
# the sentinels promote the replica, and the old master comes back as its replica.
ha_redis_ports() { IFS=',' read -r -a _p <<<"$RP_HA_REDIS_PORTS"; printf '%s\n' "${_p[@]}"; }
ha_sentinel_ports() { IFS=',' read -r -a _p <<<"$RP_HA_SENTINEL_PORTS"; printf '%s\n' "${_p[@]}"; }
# Seconds without an answer before the sentinels call the master down and fail over.
export RP_HA_REDIS_DOWN_MS="${RP_HA_REDIS_DOWN_MS:-2000}"

wait_ping() {
  local port=$1 name=$2 i=0
  until redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; do
    sleep 0.1; i=$((i + 1))
    [ $i -gt 300 ] && { tail -n 20 "$RP_LOG_DIR/$name.log" >&2; die "$name did not start"; }
  done
  return 0
}

ha_start() {
  install
  command -v redis-sentinel >/dev/null || command -v redis-server >/dev/null || die "redis-server is missing"
  local p first
  first=$(ha_redis_ports | head -n 1)
  for p in $(ha_redis_ports); do
    if pid_alive "redis-$p" || supervisor_alive "redis-$p"; then continue; fi
    port_open "$p" && die "port $p is taken by another process (RP_HA_REDIS_PORTS)"
    log "starting Redis on :$p"
    supervised "redis-$p" "$RP_LOG_DIR/redis-$p.log" bash "$ROOT_DIR/scripts/lib/redis-node.sh" "$p"
    wait_ping "$p" "redis-$p"
  done
  for p in $(ha_sentinel_ports); do
    if pid_alive "sentinel-$p" || supervisor_alive "sentinel-$p"; then continue; fi
    port_open "$p" && die "port $p is taken by another process (RP_HA_SENTINEL_PORTS)"
    local conf="$REDIS_DIR/sentinel-$p.conf"
    # Sentinel rewrites its file with what it learns (the current master, the other sentinels): it
    # is written once, and kept while the cluster runs.
    if [ ! -s "$conf" ]; then
      cat >"$conf" <<CONF
port $p
bind 127.0.0.1
sentinel announce-ip 127.0.0.1
dir $REDIS_DIR
sentinel monitor $RP_HA_SENTINEL_NAME 127.0.0.1 $first 2
sentinel down-after-milliseconds $RP_HA_SENTINEL_NAME $RP_HA_REDIS_DOWN_MS
sentinel failover-timeout $RP_HA_SENTINEL_NAME 10000
sentinel parallel-syncs $RP_HA_SENTINEL_NAME 1
CONF
    fi
    log "starting Redis sentinel on :$p"
    supervised "sentinel-$p" "$RP_LOG_DIR/sentinel-$p.log" redis-server "$conf" --sentinel
    wait_ping "$p" "sentinel-$p"
  done
  # Ready once the replica is online and the sentinels agree on the master.
  local i=0
  until [ "$(ha_replicas_online)" -ge 1 ] && [ -n "$(redis-cli -p "$(ha_sentinel_ports | head -n 1)" --raw sentinel get-master-addr-by-name "$RP_HA_SENTINEL_NAME" 2>/dev/null)" ]; do
    sleep 0.2; i=$((i + 1))
    [ $i -gt 300 ] && die "the Redis replica did not come in sync within 60 s (logs in $RP_LOG_DIR)"
  done
  return 0
}

# ha_master: "host port" of the master, as the sentinels see it.
ha_master() {
  local p out
  for p in $(ha_sentinel_ports); do
    out=$(redis-cli -p "$p" --raw sentinel get-master-addr-by-name "$RP_HA_SENTINEL_NAME" 2>/dev/null | paste -sd' ')
    [[ $out =~ ^[0-9.]+\ [0-9]+$ ]] && { echo "$out"; return 0; }
  done
}
# ha_replicas_online: replicas the master sees online.
ha_replicas_online() {
  local m; m=$(ha_master)
  [ -n "$m" ] || { echo 0; return; }
  redis-cli -p "${m#* }" info replication 2>/dev/null | grep -c '^slave[0-9]*:.*state=online'
}

ha_stop() {
  local p
  # Sentinels first, so that stopping the master is no failover; their files go with a clean stop
  # (the next start begins from the first port as master).
  for p in $(ha_sentinel_ports); do stop_pid "sentinel-$p" 10 & done; wait
  for p in $(ha_sentinel_ports); do rm -f "$REDIS_DIR/sentinel-$p.conf"; done
  for p in $(ha_redis_ports); do stop_pid "redis-$p" 10 & done; wait
}

ha_status() {
  local p state role restarts
  for p in $(ha_redis_ports); do
    restarts=$(cat "$RP_RUN_DIR/redis-$p.restarts" 2>/dev/null || echo 0)
    if pid_alive "redis-$p"; then
      role=$(redis-cli -p "$p" role 2>/dev/null | head -n 1)
      [ "$role" = slave ] && role=replica
      state="running (pid $(cat "$RP_RUN_DIR/redis-$p.pid"), ${role:-not answering}, restarts: $restarts)"
    elif supervisor_alive "redis-$p"; then state="restarting (restarts: $restarts)"
    else state="stopped"; fi
    echo "redis-$p: $state"
  done
  for p in $(ha_sentinel_ports); do
    restarts=$(cat "$RP_RUN_DIR/sentinel-$p.restarts" 2>/dev/null || echo 0)
    if pid_alive "sentinel-$p"; then
      local seen; seen=$(redis-cli -p "$p" --raw sentinel get-master-addr-by-name "$RP_HA_SENTINEL_NAME" 2>/dev/null | paste -sd':')
      state="running (pid $(cat "$RP_RUN_DIR/sentinel-$p.pid"), master ${seen:-unknown}, restarts: $restarts)"
    elif supervisor_alive "sentinel-$p"; then state="restarting (restarts: $restarts)"
    else state="stopped"; fi
    echo "sentinel-$p: $state"
  done
  echo "redis replication: $(ha_replicas_online) of $(( $(ha_redis_ports | wc -l) - 1 )) replicas in sync"
}

# ha_kill NAME: kill -9 of one Redis or sentinel (redis-PORT, sentinel-PORT); its supervisor restarts it.
ha_kill() {
  [ -f "$RP_RUN_DIR/$1.pid" ] || die "no running process $1"
  kill -KILL "$(cat "$RP_RUN_DIR/$1.pid")" 2>/dev/null || true
}

if [ "$RP_TOPOLOGY" = ha ]; then
  case "${1:-}" in
    start) ha_start ;; stop) ha_stop ;; status) ha_status ;;
    master) ha_master ;;
    # Until the master has its replica online again (up to SECONDS, default 60).
    wait-sync)
      end=$(( $(date +%s) + ${2:-60} ))
      until [ "$(ha_replicas_online)" -ge 1 ]; do [ "$(date +%s)" -ge "$end" ] && die "no Redis replica in sync"; sleep 0.5; done ;;
    kill) [ $# -eq 2 ] || die "usage: $0 kill redis-PORT|sentinel-PORT"; ha_kill "$2" ;;
    install) install ;;
    *) echo "usage: $0 install|start|stop|status|master|kill NAME" >&2; exit 2 ;;
  esac
  exit 0
fi

case "${1:-}" in
  install) install ;; start) start ;; stop) stop ;; status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac

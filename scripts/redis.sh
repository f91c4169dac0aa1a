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

case "${1:-}" in
  install) install ;; start) start ;; stop) stop ;; status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac

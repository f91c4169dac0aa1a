#!/usr/bin/env bash
# redis-node.sh PORT: one Redis of the highly available pair, in the foreground (supervise.sh runs
# it, and runs it again when it dies). Before it starts it asks the sentinels who the master is, and
# starts as that master's replica. A node the sentinels still call master was killed: it waits until
# they have promoted its replica, then rejoins as replica, instead of coming back as a second master
# with older data. With no sentinel answering (the first start), the first port is the master.
set -uo pipefail
source "$(dirname "$0")/env.sh"
port=$1
dir="$RP_DATA_DIR/redis/$port"
mkdir -p "$dir"

ask_master() {
  local s out
  IFS=',' read -r -a _s <<<"$RP_HA_SENTINEL_PORTS"
  for s in "${_s[@]}"; do
    out=$(redis-cli -p "$s" --raw sentinel get-master-addr-by-name "$RP_HA_SENTINEL_NAME" 2>/dev/null | paste -sd' ')
    [[ $out =~ ^[0-9.]+\ [0-9]+$ ]] && { echo "$out"; return 0; }
  done
}

master=$(ask_master)
if [ "$master" = "127.0.0.1 $port" ]; then
  for _ in $(seq 1 30); do
    sleep 1
    master=$(ask_master)
    [ "$master" != "127.0.0.1 $port" ] && break
  done
fi
role=()
if [ -z "$master" ]; then
  first=${RP_HA_REDIS_PORTS%%,*}
  [ "$port" = "$first" ] || role=(--replicaof 127.0.0.1 "$first")
elif [ "$master" != "127.0.0.1 $port" ]; then
  role=(--replicaof ${master})
fi
echo "{\"level\":\"info\",\"message\":\"redis node starting\",\"port\":$port,\"replicaOf\":\"${role[*]:-none}\"}"
# appendonly with fsync every second, as the single Redis; a replica also serves as the copy that
# survives the master's disk.
exec redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --appendfsync everysec \
  --save "" --daemonize no --replica-announce-ip 127.0.0.1 "${role[@]}"

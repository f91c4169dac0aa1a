#!/usr/bin/env bash
# One line per process the scripts manage, then whether the whole cluster is ready. "ready: yes"
# only when the API and every edge answer /readyz; otherwise "ready: no" and the parts that do not.
set -uo pipefail
source "$(dirname "$0")/lib/env.sh"
down=()
echo "topology: $RP_TOPOLOGY"
if [ "$RP_TOPOLOGY" = ha ]; then
  # Every RocketMQ and Redis process with its role, then replication. Ready needs each one running
  # in its role and every group and replica in sync.
  while IFS= read -r line; do
    echo "$line"
    name=${line%%:*} state=${line#*: }
    if [[ $state =~ ^([0-9]+)\ of\ ([0-9]+) ]]; then
      [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] || down+=("$name not in sync")
    elif [[ $state != running\ \(* ]]; then down+=("$name ${state%% *}")
    elif [[ $state =~ not\ registered|not\ in\ sync|not\ answering|master\ unknown ]]; then down+=("$name ${BASH_REMATCH[0]}")
    fi
  done < <(bash "$ROOT_DIR/scripts/rocketmq.sh" status; bash "$ROOT_DIR/scripts/redis.sh" status)
else
  bash "$ROOT_DIR/scripts/rocketmq.sh" status
  bash "$ROOT_DIR/scripts/redis.sh" status
fi

# describe NAME URL: running / restarting / stopped, with its restarts and readiness.
describe() {
  local name=$1 url=$2 restarts=0 state
  [ -f "$RP_RUN_DIR/$name.restarts" ] && restarts=$(cat "$RP_RUN_DIR/$name.restarts")
  if pid_alive "$name"; then
    state="running (pid $(cat "$RP_RUN_DIR/$name.pid")"
    if curl -fs "$url" >/dev/null 2>&1; then state+=", ready"; else state+=", not ready"; down+=("$name not ready"); fi
  elif supervisor_alive "$name"; then
    state="restarting"; down+=("$name restarting")
  else
    state="stopped"; down+=("$name down")
  fi
  supervisor_alive "$name" && state+=", restarts: $restarts" || true
  [[ $state == running* ]] && state+=")"
  echo "$name: $state"
}

edges=$(edge_names)
# A cluster with no edge serves no device, however well the rest runs.
[ -n "$edges" ] || { echo "edges: none running"; down+=("no edge"); }
for name in $edges; do
  describe "$name" "http://127.0.0.1:$(cat "$RP_RUN_DIR/$name.http" 2>/dev/null || echo 0)/readyz"
done
describe api "http://127.0.0.1:$API_PORT/readyz"
if [ -f "$RP_RUN_DIR/autoscaler.supervisor.pid" ] || [ -f "$RP_RUN_DIR/autoscaler.pid" ]; then
  describe autoscaler "http://127.0.0.1:${AUTOSCALE_HTTP_PORT:-9890}/healthz"
fi
if [ ${#down[@]} -eq 0 ]; then
  echo "ready: yes"
else
  (IFS=','; echo "ready: no (${down[*]})")
fi

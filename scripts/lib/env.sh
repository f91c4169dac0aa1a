# Shared defaults for every stack script. Each value can be overridden by the environment;
# the README's configuration table lists them all.
ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export RP_DATA_DIR="${RP_DATA_DIR:-$ROOT_DIR/.data}"
export RP_RUN_DIR="$RP_DATA_DIR/run"
export RP_LOG_DIR="$RP_DATA_DIR/logs"

# Topology: `single` (npm start: one of each, fast to start) or `ha` (npm start -- --ha: name servers
# with controllers, two broker groups of master and slave, two proxies, Redis with Sentinel). up.sh
# writes the running one to RP_RUN_DIR/topology, so every later script (status, edge, down) follows it.
if [ -z "${RP_TOPOLOGY:-}" ]; then
  RP_TOPOLOGY=$(cat "$RP_RUN_DIR/topology" 2>/dev/null || echo single)
fi
export RP_TOPOLOGY
case "$RP_TOPOLOGY" in single|ha) ;; *) printf '[rocketpush] ERROR: RP_TOPOLOGY must be single or ha, not %s\n' "$RP_TOPOLOGY" >&2; exit 1 ;; esac

export ROCKETMQ_VERSION="${ROCKETMQ_VERSION:-5.5.0}"
export ROCKETMQ_LIB_DIR="${ROCKETMQ_LIB_DIR:-$RP_DATA_DIR/rocketmq-lib}"
# Where mqadmin finds the name server and broker: this machine, or an external cluster (provision).
export ROCKETMQ_ADMIN_HOST="${ROCKETMQ_ADMIN_HOST:-127.0.0.1}"
export ROCKETMQ_NAMESRV_PORT="${ROCKETMQ_NAMESRV_PORT:-9876}"
export ROCKETMQ_BROKER_PORT="${ROCKETMQ_BROKER_PORT:-10911}"
export ROCKETMQ_PROXY_PORT="${ROCKETMQ_PROXY_PORT:-8081}"
export ROCKETMQ_PROXY_REMOTING_PORT="${ROCKETMQ_PROXY_REMOTING_PORT:-18080}"
export ROCKETMQ_CLUSTER="${ROCKETMQ_CLUSTER:-RocketPushCluster}"
export ROCKETMQ_BROKER_NAME="${ROCKETMQ_BROKER_NAME:-rp-broker-a}"
# How long a message read by a consumer that then died stays invisible before another reads it.
export ROCKETMQ_INVISIBLE_MS="${ROCKETMQ_INVISIBLE_MS:-15000}"
# Lite topics (persistent sessions) one edge may read at once.
export ROCKETMQ_SESSION_QUOTA="${ROCKETMQ_SESSION_QUOTA:-100000}"
# Session batches one edge may hold unacknowledged (the proxy's maxLiteRenewNumPerChannel, default
# 100: past it the proxy refuses every further session receive of that edge, for all its sessions).
export ROCKETMQ_SESSION_UNACKED="${ROCKETMQ_SESSION_UNACKED:-20000}"
export ROCKETMQ_MAX_DELAY_S="${ROCKETMQ_MAX_DELAY_S:-259200}"

export REDIS_PORT="${REDIS_PORT:-6390}"

# The highly available topology (RP_TOPOLOGY=ha): one port per process, comma-separated.
# Name servers, each with an embedded controller (a DLedger quorum of three: one may be lost).
export RP_HA_NAMESRV_PORTS="${RP_HA_NAMESRV_PORTS:-9876,9877,9878}"
export RP_HA_CONTROLLER_PORTS="${RP_HA_CONTROLLER_PORTS:-9976,9977,9978}"
# Broker groups (brokerName) and the listen ports of their two members; RocketMQ derives port-2
# (fast channel) and port+1 (replication) from each.
export RP_HA_BROKER_GROUPS="${RP_HA_BROKER_GROUPS:-a,b}"
export RP_HA_BROKER_PORTS_A="${RP_HA_BROKER_PORTS_A:-10911,10921}"
export RP_HA_BROKER_PORTS_B="${RP_HA_BROKER_PORTS_B:-10931,10941}"
export RP_HA_PROXY_PORTS="${RP_HA_PROXY_PORTS:-8081,8082}"
export RP_HA_PROXY_REMOTING_PORTS="${RP_HA_PROXY_REMOTING_PORTS:-18080,18081}"
# Redis master and replica, and the three sentinels that watch them.
export RP_HA_REDIS_PORTS="${RP_HA_REDIS_PORTS:-6390,6391}"
export RP_HA_SENTINEL_PORTS="${RP_HA_SENTINEL_PORTS:-26390,26391,26392}"
export RP_HA_SENTINEL_NAME="${RP_HA_SENTINEL_NAME:-rp-redis}"

# list_join SEPARATOR PREFIX LIST: "a,b" -> "PREFIXa<SEP>PREFIXb".
list_join() { local sep=$1 prefix=$2 out="" x; IFS=',' read -r -a _items <<<"$3"; for x in "${_items[@]}"; do out+="${out:+$sep}$prefix$x"; done; echo "$out"; }

if [ "$RP_TOPOLOGY" = ha ]; then
  export ROCKETMQ_NAMESRV_ADDR="${ROCKETMQ_NAMESRV_ADDR:-$(list_join ';' 127.0.0.1: "$RP_HA_NAMESRV_PORTS")}"
  export ROCKETMQ_ENDPOINTS="${ROCKETMQ_ENDPOINTS:-$(list_join ';' 127.0.0.1: "$RP_HA_PROXY_PORTS")}"
  export REDIS_SENTINELS="${REDIS_SENTINELS:-$(list_join ',' 127.0.0.1: "$RP_HA_SENTINEL_PORTS")}"
  export REDIS_SENTINEL_NAME="${REDIS_SENTINEL_NAME:-$RP_HA_SENTINEL_NAME}"
else
  export ROCKETMQ_NAMESRV_ADDR="${ROCKETMQ_NAMESRV_ADDR:-$ROCKETMQ_ADMIN_HOST:$ROCKETMQ_NAMESRV_PORT}"
  export ROCKETMQ_ENDPOINTS="${ROCKETMQ_ENDPOINTS:-127.0.0.1:$ROCKETMQ_PROXY_PORT}"
fi
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}"

# The development cluster these scripts start lets any client connect and use any topic; set
# MQTT_AUTH=devices for registered devices only (an edge started without these scripts defaults to that).
export MQTT_AUTH="${MQTT_AUTH:-open}"
export RP_EDGE_PORTS="${RP_EDGE_PORTS:-1883,1884}"
export RP_EDGE_WS_PORTS="${RP_EDGE_WS_PORTS:-8083,8084}"
export RP_EDGE_TLS_PORTS="${RP_EDGE_TLS_PORTS:-8883,8884}"
# Each edge's /healthz and /readyz (scripts/edge.sh uses MQTT port + 8000 for others).
export RP_EDGE_HTTP_PORTS="${RP_EDGE_HTTP_PORTS:-9883,9884}"
# Without a certificate of your own, setup.sh makes a self-signed one for 127.0.0.1 and localhost.
export RP_TLS_CERT_FILE="${RP_TLS_CERT_FILE:-$RP_DATA_DIR/tls/edge.crt}"
export RP_TLS_KEY_FILE="${RP_TLS_KEY_FILE:-$RP_DATA_DIR/tls/edge.key}"
export API_PORT="${API_PORT:-3000}"
# The admin API key scripts/up.sh makes when API_KEYS is not set.
export RP_API_KEY_FILE="${RP_API_KEY_FILE:-$RP_DATA_DIR/api-key}"

mkdir -p "$RP_RUN_DIR" "$RP_LOG_DIR"

# Children run in their own session (setsid): a Ctrl-C in the terminal reaches only up.sh, which
# then stops them in order through down.sh, instead of every process dying at once.
log() { printf '[rocketpush %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[rocketpush] ERROR: %s\n' "$*" >&2; exit 1; }

# pid_alive NAME: true when the pid file NAME exists and its process still runs.
pid_alive() {
  local f="$RP_RUN_DIR/$1.pid"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

# Young generation (MiB per semi-space) of the edge and API node processes; see scripts/edge.sh.
export RP_NODE_SEMI_SPACE_MB="${RP_NODE_SEMI_SPACE_MB:-64}"

# Logs of the processes the scripts start grow to RP_LOG_MAX_BYTES, then move to NAME.log.1 (up to
# RP_LOG_KEEP old files). Copy and truncate: the writer appends, so it goes on at the new end.
export RP_LOG_MAX_BYTES="${RP_LOG_MAX_BYTES:-52428800}"
export RP_LOG_KEEP="${RP_LOG_KEEP:-5}"
rotate_log() {
  local f=$1 size i
  size=$(stat -c %s "$f" 2>/dev/null || echo 0)
  [ "$size" -gt "$RP_LOG_MAX_BYTES" ] || return 0
  for ((i = RP_LOG_KEEP - 1; i >= 1; i--)); do
    [ -f "$f.$i" ] && mv -f "$f.$i" "$f.$((i + 1))"
  done
  cp "$f" "$f.1" && : >"$f"
}

# supervised NAME LOGFILE COMMAND...: starts COMMAND under scripts/lib/supervise.sh (restarted when
# it dies); NAME.pid is the process itself, NAME.supervisor.pid its supervisor.
supervised() {
  local name=$1
  rm -f "$RP_RUN_DIR/$name.pid"
  setsid nohup bash "$ROOT_DIR/scripts/lib/supervise.sh" "$@" </dev/null >/dev/null 2>&1 &
  echo $! >"$RP_RUN_DIR/$name.supervisor.pid"
  local i=0
  while [ ! -s "$RP_RUN_DIR/$name.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}

# wait_ready URL SECONDS NAME PIDNAME LOGFILE: wait until URL answers 2xx; fail with the log tail.
wait_ready() {
  local url=$1 secs=$2 name=$3 pidname=$4 file=$5 i=0
  while [ $i -lt $((secs * 5)) ]; do
    if curl -fs "$url" >/dev/null 2>&1; then return 0; fi
    if ! pid_alive "$pidname" && ! supervisor_alive "$pidname"; then
      printf '[rocketpush] %s exited during start; last lines of %s:\n' "$name" "$file" >&2
      tail -n 40 "$file" >&2
      exit 1
    fi
    sleep 0.2; i=$((i + 1))
  done
  printf '[rocketpush] %s not ready after %ss (%s); last lines of %s:\n' "$name" "$secs" "$url" "$file" >&2
  tail -n 40 "$file" >&2
  exit 1
}

# any_pid_alive: true when a process the scripts started (by any pid file) still runs; pid files left
# by a machine restart do not count.
any_pid_alive() {
  local f
  for f in "$RP_RUN_DIR"/*.pid; do
    [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && return 0
  done
  return 1
}

supervisor_alive() {
  local f="$RP_RUN_DIR/$1.supervisor.pid"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

# term_wait PID SECONDS NAME: SIGTERM, wait up to SECONDS, then SIGKILL; true when it had to kill.
term_wait() {
  local pid=$1 wait_s=$2 name=$3 i=0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ $i -lt $((wait_s * 10)) ]; do sleep 0.1; i=$((i + 1)); done
  kill -0 "$pid" 2>/dev/null || return 1
  log "$name did not stop in ${wait_s}s, killing"
  kill -KILL "$pid" 2>/dev/null || true
}

# stop_pid NAME [SECONDS]: SIGTERM the process we started (through its supervisor when it has one),
# wait, then SIGKILL as a last resort.
stop_pid() {
  local name=$1 wait_s=${2:-20} f="$RP_RUN_DIR/$1.pid"
  if supervisor_alive "$name"; then
    local spid; spid=$(cat "$RP_RUN_DIR/$name.supervisor.pid")
    log "stopping $name (pid $(cat "$f" 2>/dev/null || echo -), supervisor $spid)"
    # A supervisor killed outright leaves its child: that one goes too.
    if term_wait "$spid" "$wait_s" "$name" && [ -f "$f" ]; then kill -KILL "$(cat "$f")" 2>/dev/null || true; fi
    rm -f "$f" "$RP_RUN_DIR/$name.supervisor.pid"
    return 0
  fi
  rm -f "$RP_RUN_DIR/$name.supervisor.pid"
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    term_wait "$pid" "$wait_s" "$name" || true
  fi
  rm -f "$f"
}

# wait_for_line FILE PATTERN SECONDS NAME [PIDNAME [FROM_BYTE]]: wait until a log line (written after
# byte FROM_BYTE: supervised logs are appended to, never truncated) shows readiness; fail with the log tail.
wait_for_line() {
  local file=$1 pattern=$2 secs=$3 name=$4 pidname=${5:-} from=${6:-0}
  local i=0
  while [ $i -lt $((secs * 5)) ]; do
    if tail -c +"$((from + 1))" "$file" 2>/dev/null | grep -q "$pattern"; then return 0; fi
    if [ -n "$pidname" ] && ! pid_alive "$pidname" && ! supervisor_alive "$pidname"; then
      printf '[rocketpush] %s exited during start; last lines of %s:\n' "$name" "$file" >&2
      tail -n 40 "$file" >&2
      exit 1
    fi
    sleep 0.2; i=$((i + 1))
  done
  printf '[rocketpush] %s not ready after %ss; last lines of %s:\n' "$name" "$secs" "$file" >&2
  tail -n 40 "$file" >&2
  exit 1
}

# edge_names: every edge the scripts started (running, restarting or dead), as edge-ID.
edge_names() {
  local f
  for f in "$RP_RUN_DIR"/edge-*.pid "$RP_RUN_DIR"/edge-*.supervisor.pid; do
    [ -e "$f" ] || continue
    f=$(basename "$f"); echo "${f%%.*}"
  done | sort -u
}

# port_open PORT: true when something listens on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# file_size FILE: its length in bytes (0 when missing): where a supervised log's next run begins.
file_size() { stat -c %s "$1" 2>/dev/null || echo 0; }

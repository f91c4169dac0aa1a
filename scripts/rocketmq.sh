#!/usr/bin/env bash
# RocketMQ 5 from Maven Central jars: install | start | stop | status | admin ARGS...
# Start order is name server, broker, proxy (cluster mode); each is waited for by its ready line,
# then topics are created with mqadmin and a send/receive probe proves the gRPC path works.
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"

RMQ_HOME="$RP_DATA_DIR/rocketmq"
STORE_DIR="$RMQ_HOME/store"
CONF_DIR="$RMQ_HOME/conf"
mkdir -p "$RMQ_HOME" "$STORE_DIR" "$CONF_DIR"

JAVA_OPENS=(--add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED)

install() {
  # The marker names the pom's content too: a changed pom (a pinned dependency) resolves again.
  local marker
  marker="$ROCKETMQ_LIB_DIR/.complete-$ROCKETMQ_VERSION-$(sha1sum "$ROOT_DIR/deploy/rocketmq/pom.xml" | cut -c1-12)"
  if [ -f "$marker" ]; then return 0; fi
  command -v mvn >/dev/null || die "Maven (mvn) is required to resolve the RocketMQ jars"
  command -v java >/dev/null || die "Java 17 is required to run RocketMQ"
  log "resolving RocketMQ $ROCKETMQ_VERSION jars with Maven into $ROCKETMQ_LIB_DIR"
  rm -rf "$ROCKETMQ_LIB_DIR"
  mvn -q -B -f "$ROOT_DIR/deploy/rocketmq/pom.xml" package \
    -Drocketmq.version="$ROCKETMQ_VERSION" -Drocketmq.lib.dir="$ROCKETMQ_LIB_DIR" \
    >"$RP_LOG_DIR/maven.log" 2>&1 || { tail -n 30 "$RP_LOG_DIR/maven.log" >&2; die "Maven could not resolve RocketMQ"; }
  touch "$marker"
}

# render TEMPLATE OUT: every @NAME@ replaced by the environment variable NAME; an unset one stops here
# with its name, instead of reaching a JVM as a literal.
render() {
  perl -pe 's/@([A-Z0-9_]+)@/exists $ENV{$1} ? $ENV{$1} : die "$ARGV: \@$1\@ is not set\n"/ge' "$1" >"$2.tmp" \
    || die "could not render $1"
  mv "$2.tmp" "$2"
}
export ROCKETMQ_RENEW_AHEAD_MS=$((ROCKETMQ_INVISIBLE_MS / 2)) ROCKETMQ_MAX_DELAY_MS=$((ROCKETMQ_MAX_DELAY_S * 1000))

# java_cmd HOME HEAP LOGBACK MAIN ARGS...: the command line of one RocketMQ JVM, in JAVA_CMD.
java_cmd() {
  local home=$1 heap=$2 logback=$3 main=$4; shift 4
  mkdir -p "$home"
  JAVA_CMD=(env ROCKETMQ_HOME="$RMQ_HOME" java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC "${JAVA_OPENS[@]}"
    -Duser.home="$home" -Drocketmq.home.dir="$RMQ_HOME" -Drmq.logback.configurationFile="$logback"
    -cp "$ROCKETMQ_LIB_DIR/*" "$main" "$@")
}

# java_start NAME HEAP LOGBACK MAIN ARGS...: one JVM in the background, its pid in the run dir.
java_start() {
  local name=$1; shift
  java_cmd "$RMQ_HOME" "$@"
  : >"$RP_LOG_DIR/$name.log"
  setsid nohup "${JAVA_CMD[@]}" >>"$RP_LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RP_RUN_DIR/$name.pid"
}

# mqadmin ARGS...: RocketMQ's admin tool against the name server, its output (errors too) on stdout.
mqadmin_cmd() {
  MQADMIN_CMD=(env ROCKETMQ_HOME="$RMQ_HOME" java -Xms128m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
    "${JAVA_OPENS[@]}" -Duser.home="$RMQ_HOME" -Drocketmq.home.dir="$RMQ_HOME"
    -Drmq.logback.configurationFile=rmq.tools.logback.xml -cp "$ROCKETMQ_LIB_DIR/*"
    org.apache.rocketmq.tools.command.MQAdminStartup "$@" -n "$ROCKETMQ_NAMESRV_ADDR")
}
mqadmin() {
  mqadmin_cmd "$@"
  "${MQADMIN_CMD[@]}" 2>&1
}

# mqadmin_until VERDICT ARGS...: mqadmin, ended as soon as its output shows VERDICT (a grep pattern).
# The tool prints its verdict about 1 s after it starts, once the broker has applied the change, and
# then spends 5-6 s shutting its clients down (Netty's quiet periods and thread joins, seen with
# jstack): an edge start ran three of those. Only for a command whose verdict is printed after all of
# its work (not for a -c cluster target, which prints one verdict per master as it goes).
mqadmin_until() {
  local verdict=$1 out pid
  shift
  out=$(mktemp)
  mqadmin_cmd "$@"
  "${MQADMIN_CMD[@]}" >"$out" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if grep -q -- "$verdict" "$out"; then
      sleep 0.2 # the rest of its table
      kill "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
  wait "$pid" 2>/dev/null || true
  cat "$out"
  rm -f "$out"
}

# Where topics and groups are created: the one broker, or every master of the cluster (HA; each
# slave copies them from its master).
# admin_change VERDICT ARGS...: a create or update sent to ADMIN_TARGET, ended at its verdict when the
# target is one broker.
if [ "$RP_TOPOLOGY" = ha ]; then
  ADMIN_TARGET=(-c "$ROCKETMQ_CLUSTER")
  admin_change() { shift; mqadmin "$@"; }
else
  ADMIN_TARGET=(-b "$ROCKETMQ_ADMIN_HOST:$ROCKETMQ_BROKER_PORT")
  admin_change() { mqadmin_until "$@"; }
fi

# in_parallel: runs each queued command (queue with `jobs_add CMD...`) in the background and fails
# when any failed. mqadmin is a JVM start of 3-5 s CPU each: side by side they take half the time on
# two cores.
JOBS=()
jobs_add() { "$@" & JOBS+=($!); }
jobs_wait() {
  local p failed=0
  for p in "${JOBS[@]}"; do wait "$p" || failed=1; done
  JOBS=()
  [ $failed -eq 0 ] || die "$1"
}

create_topic() {
  local name=$1 type=$2 queues=$3 out
  # mqadmin exits 0 even on failure: its output is the only verdict. Matched in bash, not with
  # `echo | grep -q`: under pipefail, grep leaving at the first match can fail the pipeline (SIGPIPE).
  out=$(admin_change "success" updateTopic "${ADMIN_TARGET[@]}" -t "$name" -r "$queues" -w "$queues" -a "+message.type=$type")
  [[ "$out" == *success* ]] || { echo "$out" >&2; echo "[rocketpush] could not create topic $name" >&2; return 1; }
  log "topic $name ($type) ready"
}

create_topics() {
  local name type queues
  while read -r name type queues; do
    case "$name" in ''|'#'*) continue ;; esac
    jobs_add create_topic "$name" "$type" "${queues:-8}"
  done <"$ROOT_DIR/deploy/rocketmq/topics.txt"
  jobs_wait "could not create every topic (see above)"
}

# create_group NAME [MQADMIN ARGS]: a consumer group, created before any client uses it. Retries
# back off exponentially (rocketmq-client-nodejs 1.0.8 does not apply the server's default policy).
create_group() {
  local out name=$1
  shift
  # Three tries, as reset_offsets: creating a group that exists only updates it.
  local attempt
  for attempt in 1 2 3; do
    out=$(admin_change "success" updateSubGroup "${ADMIN_TARGET[@]}" -g "$name" "$@" \
      -p '{"type":"EXPONENTIAL","exponentialRetryPolicy":{"initial":1000,"max":60000,"multiplier":2}}')
    [[ "$out" == *success* ]] && break
    sleep "$attempt"
  done
  # return, not die: this also runs as a background job (the caller's jobs_wait stops the script).
  [[ "$out" == *success* ]] || { echo "$out" >&2; echo "[rocketpush] could not create consumer group $name" >&2; return 1; }
  log "consumer group $name ready"
}

# init_offsets GROUP FROM TOPIC...: a new consumer group gets a committed offset on every queue of
# its topics, once (a marker in the store remembers it): FROM is `now` (the newest message) or `0`
# (the oldest). The broker writes committed offsets to disk every 5 s and, for a queue it has none
# for, starts a reader at the queue's *end*: after a SIGKILL, whatever was written to a queue that
# had no offset on disk yet was skipped (a delayed push came due and was never read; issue 8).
# Tried three times: on a loaded machine the tool's 3 s wait for the name server ran out once (a CI
# flake while six test files started edges together); setting offsets to a time again is harmless.
reset_offsets() {
  local out attempt
  for attempt in 1 2 3; do
    out=$(mqadmin_until "#offset" resetOffsetByTime -g "$1" -t "$2" -s "$3")
    [[ "$out" == *"#offset"* ]] && return 0
    sleep "$attempt"
  done
  echo "$out" >&2; echo "[rocketpush] could not set the offsets of $1 on $2" >&2; return 1
}
init_offsets() {
  local group=$1 from=$2 topic marker="$STORE_DIR/rocketpush-offsets/$1"
  shift 2
  [ -f "$marker" ] && return 0
  for topic in "$@"; do jobs_add reset_offsets "$group" "$topic" "$from"; done
  jobs_wait "could not set the offsets of $group (see above)"
  mkdir -p "$(dirname "$marker")" && touch "$marker"
  log "offsets of $group on $* committed"
}

start_broker() {
  pid_alive broker && return 0
  STORE_DIR="$STORE_DIR" render "$ROOT_DIR/deploy/rocketmq/broker.conf.template" "$CONF_DIR/broker.conf"
  log "starting RocketMQ broker on :$ROCKETMQ_BROKER_PORT"
  java_start broker 768m rmq.broker.logback.xml org.apache.rocketmq.broker.BrokerStartup \
    -c "$CONF_DIR/broker.conf"
  wait_for_line "$RP_LOG_DIR/broker.log" "boot success" 120 "broker" broker
}

# The topics and groups every rocketpush cluster needs, whoever runs RocketMQ.
provision_shared() {
  create_topics
  jobs_add create_group rp-probe
  # Session queues: FIFO per lite topic; the quota is lite topics one edge may read at once.
  jobs_add create_group rp-sessions -o true --attributes "+lite.bind.topic=rp-session,+lite.sub.client.quota=$ROCKETMQ_SESSION_QUOTA"
  # Delayed pushes, read by the API processes; a failed send comes back with the group's backoff.
  # From the oldest message: a delayed push that came due before the first API read must be read.
  jobs_add create_group rp-scheduler
  jobs_wait "could not create every consumer group (see above)"
  init_offsets rp-scheduler 0 rp-delay
}

# provision EDGE_ID...: an external RocketMQ (ROCKETMQ_ADMIN_HOST with ROCKETMQ_NAMESRV_PORT and
# ROCKETMQ_BROKER_PORT) gets every topic and group, and one group per edge id. Run it once per
# cluster and again for new edge ids; existing topics and groups are left as they are.
provision() {
  install
  provision_shared
  local id
  for id in "$@"; do create_group "rp-edge-$id"; init_offsets "rp-edge-$id" now rp-deliver rp-control; done
}

start() {
  install
  if ! pid_alive namesrv; then
    log "starting RocketMQ name server on :$ROCKETMQ_NAMESRV_PORT"
    java_start namesrv 256m rmq.namesrv.logback.xml org.apache.rocketmq.namesrv.NamesrvStartup \
      -c /dev/null
    wait_for_line "$RP_LOG_DIR/namesrv.log" "The Name Server boot success" 60 "name server" namesrv
  fi
  start_broker
  provision_shared
  start_proxy
  probe
}

start_proxy() {
  pid_alive proxy && return 0
  ROUTE_REFRESH_S=1 render "$ROOT_DIR/deploy/rocketmq/proxy.json.template" "$CONF_DIR/proxy.json"
  log "starting RocketMQ gRPC proxy on :$ROCKETMQ_PROXY_PORT"
  java_start proxy 512m rmq.proxy.logback.xml org.apache.rocketmq.proxy.ProxyStartup \
    -pm cluster -pc "$CONF_DIR/proxy.json" -n "$ROCKETMQ_NAMESRV_ADDR"
  wait_for_line "$RP_LOG_DIR/proxy.log" "rocketmq-proxy startup successfully" 120 "proxy" proxy
}

# A real send and receive through the proxy: only then is RocketMQ ready for the edges.
probe() {
  log "probing RocketMQ with a send and receive"
  (cd "$ROOT_DIR" && node --import tsx scripts/rocketmq-probe.ts) >"$RP_LOG_DIR/probe.log" 2>&1 || {
    cat "$RP_LOG_DIR/probe.log" >&2
    printf '[rocketpush] last lines of the proxy and broker logs:\n' >&2
    tail -n 20 "$RP_LOG_DIR/proxy.log" "$RP_LOG_DIR/broker.log" >&2
    die "RocketMQ is up but a message did not make the round trip"
  }
}

stop() {
  # Reverse order: clients lose the proxy first, the broker flushes before the name server goes.
  stop_pid proxy 30
  stop_pid broker 60
  stop_pid namesrv 20
}

status() {
  local n
  for n in namesrv broker proxy; do
    if pid_alive "$n"; then echo "$n: running (pid $(cat "$RP_RUN_DIR/$n.pid"))"; else echo "$n: stopped"; fi
  done
}

if [ "$RP_TOPOLOGY" = ha ]; then
  source "$ROOT_DIR/scripts/lib/rocketmq-ha.sh"
  case "${1:-}" in
    start) ha_start; exit 0 ;;
    stop) ha_stop; exit 0 ;;
    status) ha_status; exit 0 ;;
    roles) ha_roles; exit 0 ;;
    names) ha_names; exit 0 ;;
    sync-state) ha_sync_state "${2:-}"; exit 0 ;;
    # For failure tests: kill NAME [--stay-dead] [--wipe]; start-one NAME brings one back.
    kill) [ $# -ge 2 ] || die "usage: $0 kill NAME [--stay-dead] [--wipe]"; shift; ha_kill "$@"; exit 0 ;;
    start-one) [ $# -eq 2 ] || die "usage: $0 start-one NAME"; ha_start_one "$2"; ha_wait; exit 0 ;;
    # Until every broker group has its master and slave in sync again (up to SECONDS, default 180).
    wait-sync) ha_groups_ready "${2:-180}"; exit 0 ;;
    stop-broker|kill-broker|start-broker|kill-proxy|start-proxy) die "$1 is for the single topology; use kill NAME / start-one NAME" ;;
  esac
fi

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  topics) create_topics ;;
  provision) shift; provision "$@" ;;
  probe) probe ;;
  group) [ $# -eq 2 ] || die "usage: $0 group NAME"; create_group "$2" ;;
  # An edge's own group: it reads the delivery and control topics from the newest message on.
  edge-group) [ $# -eq 2 ] || die "usage: $0 edge-group NAME"; create_group "$2"; init_offsets "$2" now rp-deliver rp-control ;;
  admin) shift; mqadmin "$@" ;;
  # For failure tests: the broker (or the proxy) alone goes away and comes back; the rest stays.
  stop-broker) stop_pid broker 60 ;;
  kill-broker) pid_alive broker && kill -KILL "$(cat "$RP_RUN_DIR/broker.pid")"; rm -f "$RP_RUN_DIR/broker.pid" ;;
  start-broker) start_broker ;;
  kill-proxy) pid_alive proxy && kill -KILL "$(cat "$RP_RUN_DIR/proxy.pid")"; rm -f "$RP_RUN_DIR/proxy.pid" ;;
  start-proxy) start_proxy ;;
  *) echo "usage: $0 install|start|stop|status|topics|provision EDGE_ID...|stop-broker|kill-broker|start-broker|kill-proxy|start-proxy|admin ARGS" >&2; exit 2 ;;
esac

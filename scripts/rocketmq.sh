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
  log "resolving RocketMQ $ROCKETMQ_VERSION jars with Maven into $ROCKETMQ_LIB_DIR (once; progress every 10 s)"
  rm -rf "$ROCKETMQ_LIB_DIR"
  # Not quiet: its "Downloaded from" lines are the progress shown while it works (a first run
  # fetches about 150 jars, 1-2 minutes).
  mvn -B -f "$ROOT_DIR/deploy/rocketmq/pom.xml" package \
    -Drocketmq.version="$ROCKETMQ_VERSION" -Drocketmq.lib.dir="$ROCKETMQ_LIB_DIR" \
    >"$RP_LOG_DIR/maven.log" 2>&1 &
  local pid=$! waited=0 status=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    waited=$((waited + 1))
    if [ $((waited % 10)) -eq 0 ]; then
      log "  Maven: $(grep -c '^Downloaded from' "$RP_LOG_DIR/maven.log" || true) files downloaded after ${waited} s"
    fi
  done
  wait "$pid" || status=$?
  [ "$status" -eq 0 ] || { tail -n 30 "$RP_LOG_DIR/maven.log" >&2; die "Maven could not resolve RocketMQ"; }
  log "  Maven: done in ${waited} s ($(ls "$ROCKETMQ_LIB_DIR" | wc -l) jars)"
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

start_broker() {
  pid_alive broker && return 0
  STORE_DIR="$STORE_DIR" render "$ROOT_DIR/deploy/rocketmq/broker.conf.template" "$CONF_DIR/broker.conf"
  log "starting RocketMQ broker on :$ROCKETMQ_BROKER_PORT"
  java_start broker 768m rmq.broker.logback.xml org.apache.rocketmq.broker.BrokerStartup \
    -c "$CONF_DIR/broker.conf"
  wait_for_line "$RP_LOG_DIR/broker.log" "boot success" 120 "broker" broker
}

TOPICS_FILE="$ROOT_DIR/deploy/rocketmq/topics.txt"
source "$ROOT_DIR/deploy/rocketmq/provision.sh"

# provision EDGE_ID...: an external RocketMQ (ROCKETMQ_ADMIN_HOST with ROCKETMQ_NAMESRV_PORT and
# ROCKETMQ_BROKER_PORT) gets every topic and group, and one group per edge id. Run it once per
# cluster and again for new edge ids; existing topics and groups are left as they are.
provision() {
  install
  provision_shared "$@"
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
  # The edges npm start launches (edge-1, edge-2, ... one per port of RP_EDGE_PORTS).
  local ids=() i n
  IFS=',' read -r -a n <<<"$RP_EDGE_PORTS"
  for i in "${!n[@]}"; do ids+=("edge-$((i + 1))"); done
  # Not beside the proxy's start: on two cores its JVM slowed the admin JVMs more than it saved.
  provision_shared "${ids[@]}"
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

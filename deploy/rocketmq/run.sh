#!/usr/bin/env bash
# The entrypoint of deploy/rocketmq/Dockerfile: renders the role's configuration from the same
# templates scripts/rocketmq.sh uses, then runs the JVM in the foreground.
#   namesrv: NAMESRV_PORT (9876), CONTROLLER_PEERS (n0-host:9878;n1-host:9878;...), SELF_ID (default
#            n<ordinal of the host name>, as a StatefulSet names its pods)
#   broker:  BROKER_NAME, NAMESRV_ADDR, CONTROLLER_ADDR, BROKER_IP (default: this host's address),
#            BROKER_PORT (10911); the store is /store (a persistent volume)
#   proxy:   NAMESRV_ADDR, PROXY_PORT (8081)
#   provision: NAMESRV_ADDR, EDGE_IDS (comma-separated), BROKER_GROUPS (2): once the cluster has a
#            master per broker group, every rocketpush topic and consumer group (provision.sh, as
#            npm start makes them) and the groups of EDGE_IDS; done-markers in /store (a volume,
#            so that offsets are set once). With API_KEYS_FILE, writes one admin key there if absent.
# HEAP (JVM heap, default 512m) and the cluster name ROCKETMQ_CLUSTER (RocketPushCluster) for all.
set -euo pipefail
role=${1:?usage: run.sh namesrv|broker|proxy}
conf=/tmp/rocketmq-conf
mkdir -p "$conf"
render() {
  perl -pe 's/@([A-Z0-9_]+)@/exists $ENV{$1} ? $ENV{$1} : die "$ARGV: \@$1\@ is not set\n"/ge' "$1" >"$2"
}
export ROCKETMQ_CLUSTER=${ROCKETMQ_CLUSTER:-RocketPushCluster}
export ROCKETMQ_MAX_DELAY_S=${ROCKETMQ_MAX_DELAY_S:-259200}
opens=(--add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED)
java_run() {
  local logback=$1 main=$2; shift 2
  exec java -Xms"${HEAP:-512m}" -Xmx"${HEAP:-512m}" -XX:+UseG1GC "${opens[@]}" -Duser.home=/store \
    -Drocketmq.home.dir="$ROCKETMQ_HOME" -Drmq.logback.configurationFile="$logback" \
    -cp "$ROCKETMQ_HOME/lib/*" "$main" "$@"
}
case "$role" in
  namesrv)
    ordinal=${HOSTNAME##*-}
    PORT=${NAMESRV_PORT:-9876} SELF_ID=${SELF_ID:-n$ordinal} STORE=/store CONTROLLER_PEERS=${CONTROLLER_PEERS:?} \
      render "$ROCKETMQ_HOME/conf/namesrv.conf.template" "$conf/namesrv.conf"
    java_run rmq.namesrv.logback.xml org.apache.rocketmq.namesrv.NamesrvStartup -c "$conf/namesrv.conf" ;;
  broker)
    PORT=${BROKER_PORT:-10911} BROKER_NAME=${BROKER_NAME:?} STORE=/store/broker CONTROLLER_ADDR=${CONTROLLER_ADDR:?} \
      ROCKETMQ_NAMESRV_ADDR=${NAMESRV_ADDR:?} HA_CATCHUP_MS=${HA_CATCHUP_MS:-5000} HA_SYNC_TIMEOUT_MS=${HA_SYNC_TIMEOUT_MS:-3000} \
      render "$ROCKETMQ_HOME/conf/broker.conf.template" "$conf/broker.conf"
    # The address other brokers and the proxies reach this one at (the template says 127.0.0.1).
    ip=${BROKER_IP:-$(hostname -i | awk '{print $1}')}
    sed -i -e "s/^brokerIP1=.*/brokerIP1=$ip/" -e "s/^brokerIP2=.*/brokerIP2=$ip/" -e "s/^bindAddress=.*/bindAddress=0.0.0.0/" "$conf/broker.conf"
    java_run rmq.broker.logback.xml org.apache.rocketmq.broker.BrokerStartup -c "$conf/broker.conf" ;;
  proxy)
    ROCKETMQ_NAMESRV_ADDR=${NAMESRV_ADDR:?} ROCKETMQ_PROXY_PORT=${PROXY_PORT:-8081} ROCKETMQ_PROXY_REMOTING_PORT=${PROXY_REMOTING_PORT:-8080} \
      ROCKETMQ_INVISIBLE_MS=${ROCKETMQ_INVISIBLE_MS:-15000} ROCKETMQ_RENEW_AHEAD_MS=$(( ${ROCKETMQ_INVISIBLE_MS:-15000} / 2 )) \
      ROCKETMQ_MAX_DELAY_MS=$(( ROCKETMQ_MAX_DELAY_S * 1000 )) ROCKETMQ_SESSION_UNACKED=${ROCKETMQ_SESSION_UNACKED:-20000} ROUTE_REFRESH_S=1 \
      render "$ROCKETMQ_HOME/conf/proxy.json.template" "$conf/proxy.json"
    # Clients reach the proxy at its pod address, not at 127.0.0.1.
    sed -i 's/"localServeAddr": "127.0.0.1"/"localServeAddr": "'"$(hostname -i | awk '{print $1}')"'"/' "$conf/proxy.json"
    java_run rmq.proxy.logback.xml org.apache.rocketmq.proxy.ProxyStartup -pm cluster -pc "$conf/proxy.json" -n "$NAMESRV_ADDR" ;;
  provision)
    log() { printf '[provision %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
    die() { log "$*" >&2; exit 1; }
    mqadmin() {
      java -Xms128m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "${opens[@]}" -Duser.home=/store \
        -Drocketmq.home.dir="$ROCKETMQ_HOME" -Drmq.logback.configurationFile=rmq.tools.logback.xml \
        -cp "$ROCKETMQ_HOME/lib/*" org.apache.rocketmq.tools.command.MQAdminStartup "$@" -n "${NAMESRV_ADDR:?}" 2>&1
    }
    # Against the cluster: every master gets the change (each slave copies it from its master).
    admin_change() { shift; mqadmin "$@"; }
    mqadmin_until() { shift; mqadmin "$@"; }
    ADMIN_TARGET=(-c "$ROCKETMQ_CLUSTER")
    TOPICS_FILE="$ROCKETMQ_HOME/conf/topics.txt" STORE_DIR=/store RP_TOPOLOGY=ha
    ROCKETMQ_SESSION_QUOTA=${ROCKETMQ_SESSION_QUOTA:-100000}
    # shellcheck source=provision.sh
    source "$ROCKETMQ_HOME/provision.sh"
    want=${BROKER_GROUPS:-2}
    for attempt in $(seq 1 120); do
      masters=$(mqadmin clusterList -c "$ROCKETMQ_CLUSTER" | awk -v c="$ROCKETMQ_CLUSTER" '$1 == c && $3 == 0' | wc -l)
      [ "$masters" -ge "$want" ] && break
      [ "$attempt" -eq 120 ] && die "the cluster $ROCKETMQ_CLUSTER has $masters of $want broker masters after 10 minutes"
      log "waiting for the broker masters ($masters of $want)"
      sleep 5
    done
    IFS=',' read -r -a edge_ids <<<"${EDGE_IDS:-}"
    provision_shared "${edge_ids[@]}"
    if [ -n "${API_KEYS_FILE:-}" ] && [ ! -s "$API_KEYS_FILE" ]; then
      key=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
      (umask 022; printf 'admin:%s:*\n' "$key" >"$API_KEYS_FILE")
      log "made an admin API key: it is in $API_KEYS_FILE of the api service (docker compose exec api cat $API_KEYS_FILE)"
    fi
    log "RocketMQ is provisioned for rocketpush" ;;
  *) echo "run.sh: unknown role $role (namesrv, broker, proxy or provision)" >&2; exit 2 ;;
esac

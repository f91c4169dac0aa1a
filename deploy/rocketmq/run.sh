#!/usr/bin/env bash
# The entrypoint of deploy/rocketmq/Dockerfile: renders the role's configuration from the same
# templates scripts/rocketmq.sh uses, then runs the JVM in the foreground.
#   namesrv: NAMESRV_PORT (9876), CONTROLLER_PEERS (n0-host:9878;n1-host:9878;...), SELF_ID (default
#            n<ordinal of the host name>, as a StatefulSet names its pods)
#   broker:  BROKER_NAME, NAMESRV_ADDR, CONTROLLER_ADDR, BROKER_IP (default: this host's address),
#            BROKER_PORT (10911); the store is /store (a persistent volume)
#   proxy:   NAMESRV_ADDR, PROXY_PORT (8081)
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
  *) echo "run.sh: unknown role $role (namesrv, broker or proxy)" >&2; exit 2 ;;
esac

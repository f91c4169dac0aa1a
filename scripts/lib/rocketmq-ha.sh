# The highly available RocketMQ (RP_TOPOLOGY=ha), sourced by scripts/rocketmq.sh after its helpers:
# three name servers each embedding a controller, broker groups of two members in controller mode
# (the controller elects the master and switches to the in-sync slave when it is lost), two gRPC
# proxies. Every JVM runs under scripts/lib/supervise.sh: a killed one comes back and rejoins (a
# broker as slave) without a person.

HA_DIR="$RMQ_HOME/ha"

# The processes, by name: namesrv-0..2, broker-<group>-0/1, proxy-0/1.
ha_namesrvs() { local i=0 p; IFS=',' read -r -a _p <<<"$RP_HA_NAMESRV_PORTS"; for p in "${_p[@]}"; do echo "namesrv-$i $p"; i=$((i + 1)); done; }
ha_brokers() {
  local g var i p
  IFS=',' read -r -a _groups <<<"$RP_HA_BROKER_GROUPS"
  for g in "${_groups[@]}"; do
    var="RP_HA_BROKER_PORTS_$(echo "$g" | tr '[:lower:]' '[:upper:]')"
    [ -n "${!var:-}" ] || die "$var is not set: the two ports of broker group $g"
    IFS=',' read -r -a _p <<<"${!var}"
    [ ${#_p[@]} -eq 2 ] || die "$var must name two ports (master and slave of group $g), not '${!var}'"
    i=0
    for p in "${_p[@]}"; do echo "broker-$g-$i $p rp-broker-$g"; i=$((i + 1)); done
  done
}
ha_proxies() {
  local i=0 p
  IFS=',' read -r -a _p <<<"$RP_HA_PROXY_PORTS"
  IFS=',' read -r -a _r <<<"$RP_HA_PROXY_REMOTING_PORTS"
  for p in "${_p[@]}"; do echo "proxy-$i $p ${_r[$i]:-$((18080 + i))}"; i=$((i + 1)); done
}
ha_names() { { ha_namesrvs; ha_brokers; ha_proxies; } | cut -d' ' -f1; }
# The controllers, as brokers and mqadmin name them.
CONTROLLER_ADDR=$(list_join ';' 127.0.0.1: "$RP_HA_CONTROLLER_PORTS")
CONTROLLER_ONE="127.0.0.1:${RP_HA_CONTROLLER_PORTS%%,*}"
# How long a broker group's master waits for a lagging slave before it drops it from the in-sync set,
# and how long one send waits for the slave's copy.
export RP_HA_CATCHUP_MS="${RP_HA_CATCHUP_MS:-5000}"
export RP_HA_SYNC_TIMEOUT_MS="${RP_HA_SYNC_TIMEOUT_MS:-3000}"
# Heaps: small enough that the whole topology and a load test fit a 2-core, few-GiB machine.
export RP_HA_NAMESRV_HEAP="${RP_HA_NAMESRV_HEAP:-160m}"
export RP_HA_BROKER_HEAP="${RP_HA_BROKER_HEAP:-384m}"
export RP_HA_PROXY_HEAP="${RP_HA_PROXY_HEAP:-256m}"

# ha_start_one NAME: starts one process (supervised) and waits for its ready line. Its log is
# appended to, so the wait reads only what this run wrote.
ha_start_one() {
  local name=$1 line port extra from logfile="$RP_LOG_DIR/$1.log"
  pid_alive "$name" || supervisor_alive "$name" && return 0
  mkdir -p "$HA_DIR/$name" "$CONF_DIR"
  case "$name" in
    namesrv-*)
      line=$(ha_namesrvs | grep "^$name ") || die "no name server $name"
      port=${line#* }
      local i=${name#namesrv-} peers="" j=0 c
      IFS=',' read -r -a _c <<<"$RP_HA_CONTROLLER_PORTS"
      for c in "${_c[@]}"; do peers+="${peers:+;}n$j-127.0.0.1:$c"; j=$((j + 1)); done
      PORT=$port CONTROLLER_PEERS=$peers SELF_ID="n$i" STORE="$HA_DIR/$name" \
        render "$ROOT_DIR/deploy/rocketmq/ha/namesrv.conf.template" "$CONF_DIR/$name.conf"
      java_cmd "$HA_DIR/$name/home" "$RP_HA_NAMESRV_HEAP" rmq.namesrv.logback.xml \
        org.apache.rocketmq.namesrv.NamesrvStartup -c "$CONF_DIR/$name.conf"
      extra="The Name Server boot success" ;;
    broker-*)
      line=$(ha_brokers | grep "^$name ") || die "no broker $name"
      read -r _ port bname <<<"$line"
      PORT=$port BROKER_NAME=$bname STORE="$HA_DIR/$name/store" CONTROLLER_ADDR="$CONTROLLER_ADDR" \
        HA_CATCHUP_MS=$RP_HA_CATCHUP_MS HA_SYNC_TIMEOUT_MS=$RP_HA_SYNC_TIMEOUT_MS \
        render "$ROOT_DIR/deploy/rocketmq/ha/broker.conf.template" "$CONF_DIR/$name.conf"
      java_cmd "$HA_DIR/$name/home" "$RP_HA_BROKER_HEAP" rmq.broker.logback.xml \
        org.apache.rocketmq.broker.BrokerStartup -c "$CONF_DIR/$name.conf"
      extra="boot success" ;;
    proxy-*)
      line=$(ha_proxies | grep "^$name ") || die "no proxy $name"
      local rport
      read -r _ port rport <<<"$line"
      # Routes refreshed every second: after a master switch the proxy sends to the new master
      # within about a second instead of the default 20 (../shared/rocketmq-notes.md).
      ROCKETMQ_PROXY_PORT=$port ROCKETMQ_PROXY_REMOTING_PORT=$rport ROUTE_REFRESH_S=1 \
        render "$ROOT_DIR/deploy/rocketmq/proxy.json.template" "$CONF_DIR/$name.json"
      java_cmd "$HA_DIR/$name/home" "$RP_HA_PROXY_HEAP" rmq.proxy.logback.xml \
        org.apache.rocketmq.proxy.ProxyStartup -pm cluster -pc "$CONF_DIR/$name.json" -n "$ROCKETMQ_NAMESRV_ADDR"
      extra="rocketmq-proxy startup successfully" ;;
    *) die "no RocketMQ process called $name (one of: $(ha_names | tr '\n' ' '))" ;;
  esac
  port_open "$port" && die "port $port is taken ($name)"
  from=$(file_size "$logfile")
  log "starting $name on :$port"
  supervised "$name" "$logfile" "${JAVA_CMD[@]}"
  HA_WAIT+=("$name|$from|$extra")
}

# ha_wait: waits for the ready line of every process ha_start_one started since the last wait.
ha_wait() {
  local w name from pattern
  for w in "${HA_WAIT[@]}"; do
    IFS='|' read -r name from pattern <<<"$w"
    wait_for_line "$RP_LOG_DIR/$name.log" "$pattern" 180 "$name" "$name" "$from"
  done
  HA_WAIT=()
}
HA_WAIT=()

# ha_groups_ready SECONDS: waits until every broker group has a master and both members in sync.
ha_groups_ready() {
  local secs=$1 end=$(( $(date +%s) + $1 )) g pending counts
  IFS=',' read -r -a _groups <<<"$RP_HA_BROKER_GROUPS"
  while :; do
    pending="" counts=$(ha_sync_counts)
    for g in "${_groups[@]}"; do
      [ "$(echo "$counts" | awk -v b="rp-broker-$g" '$1 == b {print $2}')" = 2 ] || pending+=" rp-broker-$g"
    done
    [ -z "$pending" ] && return 0
    [ "$(date +%s)" -ge "$end" ] && die "broker groups not in sync after ${secs}s:$pending (logs in $RP_LOG_DIR)"
    sleep 1
  done
}

# ha_sync_state [NAME]: the controllers' view of one broker group (or all): master, in-sync members.
ha_sync_state() {
  if [ -n "${1:-}" ]; then mqadmin getSyncStateSet -a "$CONTROLLER_ADDR" -b "$1"
  else mqadmin getSyncStateSet -a "$CONTROLLER_ADDR" -c "$ROCKETMQ_CLUSTER"; fi
}
# ha_sync_counts [STATE]: "BROKER_NAME N" per group, N its live in-sync members (2 when the slave
# holds every acknowledged message), from STATE (ha_sync_state's output) or a new look-up.
ha_sync_counts() {
  { if [ $# -gt 0 ]; then echo "$1"; else ha_sync_state 2>/dev/null; fi; } | awk '/^#brokerName/ {b=$2; n[b]=0} /^InSyncReplica:/ && /alive=true/ {n[b]++} END {for (b in n) print b, n[b]}'
}

ha_start() {
  install
  local n
  for n in $(ha_namesrvs | cut -d' ' -f1); do ha_start_one "$n"; done
  ha_wait
  # The first member of each group starts first, so it becomes the master; the second then joins
  # as its slave.
  for n in $(ha_brokers | cut -d' ' -f1 | grep -- '-0$'); do ha_start_one "$n"; done
  ha_wait
  for n in $(ha_brokers | cut -d' ' -f1 | grep -- '-1$'); do ha_start_one "$n"; done
  ha_wait
  ha_groups_ready 120
  provision_shared
  for n in $(ha_proxies | cut -d' ' -f1); do ha_start_one "$n"; done
  ha_wait
  probe
}

ha_stop() {
  local n
  # Proxies first (clients go), then slaves before masters (no switch on the way down), name servers last.
  # Each tier in parallel.
  for n in $(ha_proxies | cut -d' ' -f1); do stop_pid "$n" 30 & done; wait
  for n in $(ha_brokers | cut -d' ' -f1 | grep -- '-1$'); do stop_pid "$n" 60 & done; wait
  for n in $(ha_brokers | cut -d' ' -f1 | grep -- '-0$'); do stop_pid "$n" 60 & done; wait
  for n in $(ha_namesrvs | cut -d' ' -f1); do stop_pid "$n" 20 & done; wait
}

# ha_roles: "NAME ROLE" for every broker, from the controllers' view (the master of each group, the
# in-sync members): the name servers' cluster list can still show a former master with brokerId 0
# for a while after a switch, and a failure test that trusted it once killed the slave.
# STATE (ha_sync_state's output) saves a look-up when the caller has one.
ha_roles() {
  local state name port bname master insync
  if [ $# -gt 0 ]; then state=$1; else state=$(ha_sync_state 2>/dev/null); fi
  while read -r name port bname; do
    master=$(echo "$state" | awk -v b="$bname" '/^#brokerName/ {cur=$2} cur == b && /^#MasterAddr/ {print $2}')
    insync=$(echo "$state" | awk -v b="$bname" '/^#brokerName/ {cur=$2} cur == b && /^InSyncReplica:/ && /alive=true/' | grep -c "127\.0\.0\.1:$port'" || true)
    if [ "$master" = "127.0.0.1:$port" ]; then echo "$name master"
    elif [ "$insync" -gt 0 ]; then echo "$name slave"
    elif pid_alive "$name"; then echo "$name slave (not in sync)"
    else echo "$name -"; fi
  done < <(ha_brokers)
}

ha_status() {
  local roles n state role
  # One look-up of the controllers (a JVM start of seconds) for the roles and the in-sync counts.
  local sync
  sync=$(ha_sync_state 2>/dev/null)
  roles=$(ha_roles "$sync")
  for n in $(ha_names); do
    local restarts=0
    [ -f "$RP_RUN_DIR/$n.restarts" ] && restarts=$(cat "$RP_RUN_DIR/$n.restarts")
    if pid_alive "$n"; then
      state="running (pid $(cat "$RP_RUN_DIR/$n.pid")"
      case "$n" in
        broker-*) role=$(echo "$roles" | awk -v n="$n" '$1 == n {$1 = ""; sub(/^ /, ""); print}'); [ "$role" = - ] && role="not registered"; state+=", $role" ;;
        namesrv-*) state+=", controller" ;;
      esac
      state+=", restarts: $restarts)"
    elif supervisor_alive "$n"; then state="restarting (restarts: $restarts)"
    else state="stopped"; fi
    echo "$n: $state"
  done
  local g c counts
  counts=$(ha_sync_counts "$sync")
  IFS=',' read -r -a _groups <<<"$RP_HA_BROKER_GROUPS"
  for g in "${_groups[@]}"; do
    c=$(echo "$counts" | awk -v b="rp-broker-$g" '$1 == b {print $2}')
    echo "rp-broker-$g: ${c:-0} of 2 in sync"
  done
}

# ha_kill NAME [--stay-dead] [--wipe]: kill -9 for failure tests. The supervisor brings the process
# back unless --stay-dead (then the supervisor goes first); --wipe also deletes its store, as when
# its disk is lost (the supervisor's restart then finds it empty). The processes are found by their
# command lines (the JVM by its own configuration file, the supervisor by its name), not by pid
# files alone, and the kill says which pids it hit.
ha_kill() {
  local name=$1 stay=false wipe=false a conf jvm sup
  shift
  for a in "$@"; do case "$a" in --stay-dead) stay=true ;; --wipe) wipe=true ;; *) die "unknown option $a" ;; esac; done
  case "$name" in proxy-*) conf="$CONF_DIR/$name.json" ;; *) conf="$CONF_DIR/$name.conf" ;; esac
  jvm=$(pgrep -f -- "^java .*$conf" | tr '\n' ' ')
  sup=$(pgrep -f -- "supervise.sh $name " | tr '\n' ' ')
  [ -n "$jvm" ] || die "no running JVM of $name (nothing runs with $conf)"
  if $stay && [ -n "$sup" ]; then kill -KILL $sup 2>/dev/null || true; rm -f "$RP_RUN_DIR/$name.supervisor.pid"; fi
  kill -KILL $jvm 2>/dev/null || true
  log "killed $name: JVM pid ${jvm% }$($stay && [ -n "$sup" ] && echo ", supervisor pid ${sup% }")"
  if $wipe; then
    # The supervisor waits at least a second before it restarts: the store is gone by then.
    rm -rf "$HA_DIR/$name/store"
  fi
  $stay && rm -f "$RP_RUN_DIR/$name.pid"
  return 0
}

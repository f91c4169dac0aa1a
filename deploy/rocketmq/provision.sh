#!/usr/bin/env bash
# The topics and consumer groups every rocketpush cluster needs, whoever runs RocketMQ: sourced by
# scripts/rocketmq.sh (npm start, and `provision` for an external RocketMQ) and by run.sh's
# `provision` role in the image (compose's one-shot provisioning service, a Kubernetes Job).
# The caller defines:
#   log MESSAGE, die MESSAGE
#   admin_change VERDICT ARGS...   a create/update with mqadmin against ADMIN_TARGET, printing its output
#   mqadmin_until VERDICT ARGS...  mqadmin, ended as soon as its output shows VERDICT
#   ADMIN_TARGET                   (-b broker:port) or (-c cluster)
#   TOPICS_FILE                    deploy/rocketmq/topics.txt
#   STORE_DIR                      where the done-markers live: kept with the broker's store (a group's
#                                  offsets are set once: a second reset would read delayed pushes again)
#   ROCKETMQ_SESSION_QUOTA, RP_TOPOLOGY

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
  done <"$TOPICS_FILE"
  jobs_wait "could not create every topic (see above)"
}

# create_group NAME [MQADMIN ARGS]: a consumer group, created before any client uses it. Retries
# back off exponentially (rocketmq-client-nodejs 1.0.8 does not apply the server's default policy).
create_group() {
  local out name=$1 marker="$STORE_DIR/rocketpush-groups/$1"
  shift
  # Made once per store (the marker goes with the store): an edge that starts again skips the JVM.
  # Single topology only: the HA brokers keep their stores elsewhere, and lose them in the tests.
  [ "$RP_TOPOLOGY" != ha ] && [ -f "$marker" ] && return 0
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
  [ "$RP_TOPOLOGY" = ha ] || { mkdir -p "$(dirname "$marker")" && touch "$marker"; }
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

# The topics and groups every rocketpush cluster needs, whoever runs RocketMQ.
# provision_shared [EDGE_ID...]: also the groups of these edges, in the same parallel batch (npm
# start knows its edges up front: their groups no longer cost an admin JVM each, one after another).
provision_shared() {
  create_topics
  local id
  for id in "$@"; do jobs_add create_group "rp-edge-$id"; done
  jobs_add create_group rp-probe
  # Session queues: FIFO per lite topic; the quota is lite topics one edge may read at once.
  jobs_add create_group rp-sessions -o true --attributes "+lite.bind.topic=rp-session,+lite.sub.client.quota=$ROCKETMQ_SESSION_QUOTA"
  # Delayed pushes, read by the API processes; a failed send comes back with the group's backoff.
  # From the oldest message: a delayed push that came due before the first API read must be read.
  jobs_add create_group rp-scheduler
  jobs_wait "could not create every consumer group (see above)"
  # Each in a subshell of its own (init_offsets waits for its own jobs): side by side.
  local pids=()
  init_offsets rp-scheduler 0 rp-delay & pids+=($!)
  for id in "$@"; do init_offsets "rp-edge-$id" now rp-deliver rp-control & pids+=($!); done
  local p failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  [ $failed -eq 0 ] || die "could not set every group's offsets (see above)"
}


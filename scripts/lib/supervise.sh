#!/usr/bin/env bash
# supervise.sh NAME LOGFILE COMMAND...: runs COMMAND (stdout and stderr appended to LOGFILE) and
# starts it again when it fails (exits non-zero) without being asked to, after a backoff of 1 s doubling to 30 s
# (back to 1 s once a run lasted a minute). The child's pid is in NAME.pid, its restarts in
# NAME.restarts; SIGTERM to this supervisor (NAME.supervisor.pid) stops the child and then itself.
# LOGFILE is rotated by size (RP_LOG_MAX_BYTES, RP_LOG_KEEP files), never truncated at a start.
set -uo pipefail
source "$(dirname "$0")/env.sh"
name=$1 logfile=$2
shift 2

child=
stopping=false
on_term() {
  stopping=true
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null
}
trap on_term TERM INT

supervisor_line() {
  printf '{"level":"%s","message":"%s","service":"supervisor","process":"%s","exitCode":%s,"restarts":%s,"backoffS":%s,"timestamp":"%s"}\n' \
    "$1" "$2" "$name" "$3" "$4" "$5" "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" >>"$logfile"
}

restarts=0
backoff=1
echo 0 >"$RP_RUN_DIR/$name.restarts"
while :; do
  rotate_log "$logfile"
  "$@" >>"$logfile" 2>&1 </dev/null &
  child=$!
  echo "$child" >"$RP_RUN_DIR/$name.pid"
  started=$(date +%s)
  # Once asked to stop, no more 2 s naps: straight to waiting for the child's exit.
  while ! $stopping && kill -0 "$child" 2>/dev/null; do
    # In the background so that SIGTERM is handled at once, not after the sleep.
    sleep 2 &
    wait $! 2>/dev/null
    rotate_log "$logfile"
  done
  wait "$child"
  rc=$?
  $stopping && break
  # Exit code 0 is a process that finished on purpose: an edge drained by an operator
  # (POST /v1/edges/{id}/drain). Restarting it would undo the scale-in.
  if [ "$rc" -eq 0 ]; then
    supervisor_line info "process finished on its own; not restarting" "$rc" "$restarts" 0
    break
  fi
  [ $(( $(date +%s) - started )) -ge 60 ] && backoff=1
  restarts=$((restarts + 1))
  echo "$restarts" >"$RP_RUN_DIR/$name.restarts"
  supervisor_line error "process exited unexpectedly; restarting" "$rc" "$restarts" "$backoff"
  sleep "$backoff" &
  wait $! 2>/dev/null
  $stopping && break
  backoff=$(( backoff * 2 > 30 ? 30 : backoff * 2 ))
done
rm -f "$RP_RUN_DIR/$name.pid" "$RP_RUN_DIR/$name.supervisor.pid"

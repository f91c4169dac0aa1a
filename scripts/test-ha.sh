#!/usr/bin/env bash
# npm run test:ha: the failure tests of the highly available topology (test/ha). Starts the HA
# topology when it is not running (and stops it again after); refuses while the single-node one runs.
# RP_HA_ROUNDS rounds of each failure (default 10: the full run; npm test runs 1).
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
cd "$ROOT_DIR"

started=false
if [ "$RP_TOPOLOGY" != ha ] || ! curl -fs "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1; then
  if [ "$RP_TOPOLOGY" = single ] && any_pid_alive; then
    die "the single-node topology is running: stop it (npm stop) before the HA failure tests"
  fi
  bash scripts/up.sh --ha --detach
  started=true
fi
cleanup() { if $started; then bash scripts/down.sh; fi; }
trap cleanup EXIT
# The topology's own defaults (proxy list, sentinels) for the test process.
export RP_TOPOLOGY=ha
unset ROCKETMQ_NAMESRV_ADDR ROCKETMQ_ENDPOINTS REDIS_SENTINELS REDIS_SENTINEL_NAME
source "$ROOT_DIR/scripts/lib/env.sh"

rounds=${RP_HA_ROUNDS:-10}
log "HA failure tests ($rounds rounds of each failure)"
# node's --test-timeout also bounds the whole file: up to 10 minutes for each round of each of the five failures.
RP_HA_ROUNDS=$rounds node --import tsx --test --test-concurrency=1 --test-timeout=$((rounds * 5 * 600000)) test/ha/*.test.ts

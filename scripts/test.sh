#!/usr/bin/env bash
# The one test command (npm test): lint, type-check, then the unit tests and the behaviour specifications
# against the real stack. The stack is started when it is not running, and stopped again after.
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
cd "$ROOT_DIR"

bash scripts/setup.sh
bash scripts/setup-test-tools.sh
# up.sh (when this starts the stack) need not install and compile all over again.
export RP_SETUP_DONE=1
log "lint"
npx eslint .
log "type-check"
npx tsc -p tsconfig.json --noEmit
# The unit tests alone: four files at a time (they wait on timers and sockets as much as they
# compute: two at a time used one core of two; four took 59 s instead of 83 s, six and eight no less).
unit_tests() {
  log "unit tests"
  node --import tsx --test --test-concurrency=4 test/unit/*.test.ts
}

# The HA failure tests (one round of each failure; npm run test:ha runs the full ten). They need the
# ports of the single-node stack, so they run after it is stopped. RP_TEST_HA=0 leaves them out;
# RP_HA_FAILURES=... picks the kinds.
ha_tests() {
  if [ "${RP_TEST_HA:-1}" = 0 ]; then log "HA failure tests left out (RP_TEST_HA=0)"; return 0; fi
  RP_HA_ROUNDS="${RP_HA_ROUNDS:-1}" RP_HA_FAILURES="${RP_HA_FAILURES:-broker-master,broker-disk,proxy,namesrv,redis-master}" bash scripts/test-ha.sh
}

# A running HA stack: the stack tests need the single-node topology (they stop and start its one
# broker and one Redis), so only the HA failure tests run against it.
if [ "$RP_TOPOLOGY" = ha ] && curl -fs "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1; then
  log "the HA topology is running: the stack tests need the single-node one (npm stop, then npm test); running the unit and HA failure tests"
  unit_tests
  ha_tests
  exit 0
fi

started=false
if ! curl -fs "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1; then
  bash scripts/up.sh --detach
  started=true
fi
cleanup() { if $started; then bash scripts/down.sh; fi; }
trap cleanup EXIT

# The unit tests run in the same runner as the stack files that run beside each other: those
# mostly wait on timers, restarts and leases, and the two groups took 97 s together instead of
# 58 s + 128 s one after the other.
log "unit tests and stack tests"
if ! bash scripts/test-stack.sh --with-unit; then
  bash scripts/log-digest.sh
  exit 1
fi

if $started; then
  bash scripts/down.sh
  started=false
  if ! ha_tests; then bash scripts/log-digest.sh; exit 1; fi
else
  log "HA failure tests not run: your single-node stack is running and holds their ports (npm stop, then npm run test:ha)"
fi

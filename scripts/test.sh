#!/usr/bin/env bash
# The one test command (npm test): lint, type-check, unit tests, then the behaviour specifications
# against the real stack. The stack is started when it is not running, and stopped again after.
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
cd "$ROOT_DIR"

bash scripts/setup.sh
log "lint"
npx eslint .
log "type-check"
npx tsc -p tsconfig.json --noEmit
log "unit tests"
node --import tsx --test --test-concurrency=1 test/unit/*.test.ts

started=false
if ! curl -fs "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1; then
  bash scripts/up.sh --detach
  started=true
fi
cleanup() { if $started; then bash scripts/down.sh; fi; }
trap cleanup EXIT

log "stack tests"
if ! node --import tsx --test --test-concurrency=1 --test-timeout=240000 test/stack/*.test.ts; then
  bash scripts/log-digest.sh
  exit 1
fi

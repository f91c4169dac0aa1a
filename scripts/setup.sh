#!/usr/bin/env bash
# Installs everything the stack needs, each step skipped when already done:
# npm dependencies, the compiled TypeScript, redis-server from Debian, RocketMQ jars from Maven Central.
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
cd "$ROOT_DIR"

command -v node >/dev/null || die "Node.js 20 is required"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
log "compiling TypeScript"
npx tsc -p tsconfig.build.json
bash scripts/redis.sh install
bash scripts/rocketmq.sh install

#!/usr/bin/env bash
# Installs everything the stack needs, each step skipped when already done: npm dependencies, the
# compiled TypeScript, redis-server from Debian, RocketMQ jars from Maven Central, the edges' TLS
# certificate. What only the tests need is scripts/setup-test-tools.sh's (npm test runs it).
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
cd "$ROOT_DIR"

command -v node >/dev/null || die "Node.js is required (22 or 24; 20 still runs the servers)"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
log "compiling TypeScript (the servers, the client package and the CLI)"
npm run -s build
bash scripts/redis.sh install
bash scripts/rocketmq.sh install
if [ ! -f "$RP_TLS_CERT_FILE" ] || [ ! -f "$RP_TLS_KEY_FILE" ]; then
  command -v openssl >/dev/null || die "openssl is needed to make the edges' self-signed TLS certificate"
  log "making a self-signed TLS certificate for the edges"
  mkdir -p "$(dirname "$RP_TLS_CERT_FILE")" "$(dirname "$RP_TLS_KEY_FILE")"
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$RP_TLS_KEY_FILE" -out "$RP_TLS_CERT_FILE" >"$RP_LOG_DIR/openssl.log" 2>&1 \
    || { cat "$RP_LOG_DIR/openssl.log" >&2; die "could not make the TLS certificate"; }
fi

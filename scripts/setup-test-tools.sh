#!/usr/bin/env bash
# What the tests need beyond the stack, each step skipped when already done (npm test runs this;
# npm start does not, so that bringing the system up installs only the system):
# - kubernetes-validate from PyPI, the offline schema validator of the deploy tests;
# - paho-mqtt from PyPI, for the Python device starter kit the stack tests run;
# - Debian's Chromium, which the dashboard test drives through playwright-core (no browser download).
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
cd "$ROOT_DIR"

pip_install() {
  log "installing $1 from PyPI (for the tests)"
  python3 -m pip install -q --disable-pip-version-check "$1" >"$RP_LOG_DIR/pip-$2.log" 2>&1 \
    || { tail -n 20 "$RP_LOG_DIR/pip-$2.log" >&2; die "could not install $1"; }
}
python3 -c 'import kubernetes_validate' 2>/dev/null || pip_install kubernetes-validate==1.37.0 kubernetes-validate
python3 -c 'import paho.mqtt' 2>/dev/null || pip_install "$(cat examples/device/python/requirements.txt)" paho-mqtt
if [ ! -x "${RP_CHROMIUM:-/usr/bin/chromium}" ]; then
  log "installing chromium from Debian (for the dashboard test)"
  apt-get install -y chromium >"$RP_LOG_DIR/apt-chromium.log" 2>&1 \
    || { tail -n 20 "$RP_LOG_DIR/apt-chromium.log" >&2; die "could not install chromium"; }
fi

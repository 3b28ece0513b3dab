#!/usr/bin/env bash
# tests/browser/run.sh: the dashboard, the JavaScript SDK and the demo page built on it, in a real
# headless Chromium (Debian's chromium, installed when missing and run as root), driven by
# playwright-core from the npm registry, against `wsc node`
# processes of cli/target/wsc.jar (built by `mvn verify`). Screenshots land in artifacts/.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "tests/browser: no Chromium at ${CHROMIUM:-/usr/bin/chromium} (apt-get install chromium, or set CHROMIUM)" >&2; exit 1
  fi
fi
command -v redis-server >/dev/null || { echo "tests/browser: redis-server is needed" >&2; exit 1; }
[ -f ../../cli/target/wsc.jar ] || { echo "tests/browser: build first: mvn -B -ntp verify (or install -DskipTests)" >&2; exit 1; }

npm ci --no-audit --no-fund --loglevel=error >/dev/null
node --test --test-concurrency=1 dashboard.test.mjs sdk.test.mjs
echo "tests/browser: passed; screenshots in tests/browser/artifacts/"

#!/usr/bin/env bash
# clients/js/test/run.sh: the JavaScript SDK's tests: its declarations compiled by tsc --strict, then
# node --test against `wsc node` processes of cli/target/wsc.jar (built by `mvn verify`) and a
# redis-server. Node.js 20 needs --experimental-websocket for its global WebSocket; 22+ has it.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v redis-server >/dev/null || { echo "clients/js: redis-server is needed" >&2; exit 1; }
[ -f ../../cli/target/wsc.jar ] || { echo "clients/js: build first: mvn -B -ntp verify (or package -DskipTests)" >&2; exit 1; }
cmp -s LICENSE ../../LICENSE || { echo "clients/js: LICENSE differs from the project's (cp ../../LICENSE .)" >&2; exit 1; }

npm ci --no-audit --no-fund --loglevel=error >/dev/null
npx --no-install tsc --strict --noEmit --target es2022 --module nodenext --moduleResolution nodenext test/types.ts

flags=()
node -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' || flags=(--experimental-websocket)
node "${flags[@]}" --test --test-concurrency=1 test/
echo "clients/js: passed"

#!/usr/bin/env bash
# What the README tells a new user, in a fresh clone of this checkout's HEAD: `npm ci`, then
# `npx openmeshy ...` before anything is built (the bin builds on its first run), then `npm start`.
# Costs one more `npm ci` (about a minute). Run by .ci/run.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/openmeshy-fresh-clone-XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "fresh clone: $*" >&2
  exit 1
}

git clone --quiet "$repo" "$work/openmeshy"
cd "$work/openmeshy"
# The commands run on the clone's own ./data, whatever the caller's shell exports.
unset OPENMESHY_DATA DATABASE_URL REDIS_URL OPENMESHY_SECRET PORT HOST OPENMESHY_WORKERS
npm ci --no-audit --no-fund
[ ! -e packages/server/dist ] || fail "packages/server/dist exists before any build"
[ -x node_modules/.bin/openmeshy ] || fail "npm ci linked no openmeshy bin"

# The README's commands as it writes them; were the local bin missing, npx would offer to install
# a package of that name from the registry: npm_config_yes=false makes that a failure.
export npm_config_yes=false
listed="$(npx openmeshy account list --json)" || fail "npx openmeshy account list failed"
[ "$listed" = "[]" ] || fail "npx openmeshy account list --json printed: $listed"
help="$(npx openmeshy --help)" || fail "npx openmeshy --help failed"
grep -q '^openmeshy: a self-hosted backend' <<<"$help" || fail "npx openmeshy --help printed: $help"
echo "fresh clone: npx openmeshy account list and --help work after npm ci"

# npm start builds and serves; its server process runs the bin with the shebang's flags.
npm start -- --port 0 >"$work/start.log" 2>&1 &
start_pid=$!
for _ in $(seq 1 180); do
  grep -q '^OpenMeshy is serving' "$work/start.log" && break
  kill -0 "$start_pid" 2>/dev/null || fail "npm start exited: $(cat "$work/start.log")"
  sleep 1
done
url="$(sed -n 's/^OpenMeshy is serving \(.*\)$/\1/p' "$work/start.log")"
[ -n "$url" ] || fail "npm start printed no serving line in 180 s: $(cat "$work/start.log")"
node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url/healthz" ||
  fail "GET $url/healthz failed"

# npm start -> sh -> the server: the one process below npm whose arguments name the bin.
descendants() {
  local child
  for child in $(pgrep -P "$1" || true); do
    echo "$child"
    descendants "$child"
  done
}
for pid in $(descendants "$start_pid"); do
  if tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'bin/openmeshy.js$'; then server_pid="$pid"; fi
done
[ -n "$server_pid" ] || fail "no server process found under npm start"
flag="$(tr '\0' '\n' <"/proc/$server_pid/cmdline" | sed -n 2p)"
[ "$flag" = "--no-memory-reducer" ] || fail "the server runs as: $(tr '\0' ' ' <"/proc/$server_pid/cmdline")"
kill -TERM "$server_pid"
server_pid=""
wait "$start_pid" || fail "npm start exited with $? after SIGTERM: $(cat "$work/start.log")"
echo "fresh clone: npm start serves $url with --no-memory-reducer and stops on SIGTERM"

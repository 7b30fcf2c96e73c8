#!/usr/bin/env bash
# Makes sure what the test suites talk to is there, as `npm test` runs (npm's pretest): PostgreSQL
# on 127.0.0.1:5432 (trust auth), Redis on 127.0.0.1:6379, and Debian's chromium for the SDK's
# browser test. Starts the services when they are installed but down, installs chromium when it
# is missing and this is root on Debian; otherwise says what is missing. The suites never skip.
set -euo pipefail

if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "test-services: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
fi
pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || echo "test-services: WARNING PostgreSQL is not answering on 127.0.0.1:5432; its suites will fail"

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "test-services: starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
  else
    echo "test-services: WARNING redis-server is not installed; the Redis suites will fail"
  fi
fi

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-services: installing Debian's chromium for the SDK browser test"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  else
    echo "test-services: WARNING chromium is missing (apt-get install chromium); the browser test will fail"
  fi
fi

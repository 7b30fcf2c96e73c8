#!/usr/bin/env bash
# npm audit of the runtime dependencies: fails on a high or critical advisory. When the registry's
# advisory endpoint cannot be reached (some mirrors answer 405), it says so loudly and does not
# fail: an unreachable audit service is not a vulnerability, but it is not a pass either.
set -uo pipefail
out="$(npm audit --omit=dev --audit-level=high 2>&1)"
status=$?
echo "$out"
if [ $status -eq 0 ]; then
  echo "audit: no high or critical advisories in runtime dependencies"
  exit 0
fi
if grep -qE "audit endpoint returned an error|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|405 Method Not Allowed" <<<"$out"; then
  echo "audit: NOT CHECKED - the registry's advisory endpoint could not be reached from this machine"
  exit 0
fi
exit $status

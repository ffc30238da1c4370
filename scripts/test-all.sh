#!/usr/bin/env bash
# Every test tier, then one closing line "N passed, N failed" summing them all.
# With DATABASE_URL set, integration and e2e tests use that PostgreSQL server (each run makes
# its own databases and drops them); without it they use embedded PGlite.
set -uo pipefail
cd "$(dirname "$0")/.."
rm -rf test-results && mkdir -p test-results
status=0

echo "== static checks (types, lint, format)"
static_pass=0; static_fail=0
if npx tsc --noEmit; then static_pass=$((static_pass+1)); else echo "type check failed"; static_fail=$((static_fail+1)); status=1; fi
if npx eslint . --max-warnings=0; then static_pass=$((static_pass+1)); else echo "lint failed"; static_fail=$((static_fail+1)); status=1; fi
if npx prettier --check . --log-level warn; then static_pass=$((static_pass+1)); else echo "format check failed: run npm run format"; static_fail=$((static_fail+1)); status=1; fi
echo "{\"numPassedTests\":$static_pass,\"numFailedTests\":$static_fail,\"numPendingTests\":0}" > test-results/static.json

echo "== unit"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json=test-results/unit.json || status=1

echo "== integration"
npx vitest run --project integration --reporter=default --reporter=json --outputFile.json=test-results/integration.json || status=1

echo "== e2e"
bash scripts/test-e2e.sh || status=1

echo
node scripts/summarize-tests.mjs test-results/static.json test-results/unit.json test-results/integration.json test-results/e2e.json || status=1
exit $status

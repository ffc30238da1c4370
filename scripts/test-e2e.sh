#!/usr/bin/env bash
# Build the app, start it on a fresh seeded database, run Playwright in Debian's Chromium, clean up.
set -uo pipefail
cd "$(dirname "$0")/.."
PORT="${E2E_PORT:-3100}"
export RESULTS_DIR="${RESULTS_DIR:-test-results}"
RUN="e2e_$(date +%s)_$$"
export E2E_BASE_URL="http://127.0.0.1:${PORT}"
export AUTH_SECRET="${AUTH_SECRET:-e2e-only-auth-secret-0123456789abcdefghij}"
# `npm start` is production: it refuses to start without its own secrets (lib/env.ts).
export CRON_SECRET="${CRON_SECRET:-e2e-only-cron-secret-0123456789abcdefghij}"
export STRIPE_WEBHOOK_SECRET="${STRIPE_WEBHOOK_SECRET:-whsec_e2e_only_0123456789abcdefghijklmnop}"
export NEXT_TELEMETRY_DISABLED=1
# The suite signs in as the demo accounts: demo data on in this production server (it warns).
export SEED_DEMO=1
DATA_DIR_TMP=""
ADMIN_URL="${DATABASE_URL:-}"

cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [ -n "${SINK_PID:-}" ] && kill "$SINK_PID" 2>/dev/null && wait "$SINK_PID" 2>/dev/null
  [ -n "${E2E_MAIL_DIR:-}" ] && rm -rf "$E2E_MAIL_DIR"
  if [ -n "$ADMIN_URL" ]; then
    psql "$ADMIN_URL" -qc "drop database if exists agentbill_${RUN} with (force)" >/dev/null 2>&1 || true
  fi
  [ -n "$DATA_DIR_TMP" ] && rm -rf "$DATA_DIR_TMP"
}
trap cleanup EXIT

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's Chromium for the browser tests (once)…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || exit 1
  else
    echo "The browser tests need Chromium: sudo apt-get install -y chromium (or set CHROMIUM_PATH)."; exit 1
  fi
fi

if [ -n "$ADMIN_URL" ]; then
  psql "$ADMIN_URL" -qc "create database agentbill_${RUN}" || exit 1
  export DATABASE_URL="$(node -e 'const u=new URL(process.argv[1]);u.pathname="/"+process.argv[2];console.log(u.toString())' "$ADMIN_URL" "agentbill_${RUN}")"
  npx tsx --conditions=react-server scripts/seed.ts || exit 1
else
  DATA_DIR_TMP="$(mktemp -d)"
  export DATA_DIR="$DATA_DIR_TMP"
fi

mkdir -p "$RESULTS_DIR"
# Real mail: an SMTP server (tests/support/e2e-smtp-sink.ts) the app sends to; tests read links from E2E_MAIL_DIR.
export E2E_MAIL_DIR="$(mktemp -d)"
E2E_SMTP_PORT="${E2E_SMTP_PORT:-0}" node --import tsx tests/support/e2e-smtp-sink.ts > "$RESULTS_DIR/e2e-smtp.log" 2>&1 &
SINK_PID=$!
for _ in $(seq 1 60); do [ -s "$E2E_MAIL_DIR/port" ] && break; sleep 0.25; done
[ -s "$E2E_MAIL_DIR/port" ] || { echo "the SMTP sink did not start:"; cat "$RESULTS_DIR/e2e-smtp.log"; exit 1; }
export E2E_SMTP_PORT="$(cat "$E2E_MAIL_DIR/port")"
export SMTP_URL="smtp://127.0.0.1:${E2E_SMTP_PORT}"
export APP_URL="${APP_URL:-$E2E_BASE_URL}"
export OUTBOUND_WEBHOOKS_ALLOW_PRIVATE=1
if [ "${E2E_SKIP_BUILD:-0}" != "1" ]; then
  ./node_modules/.bin/next build > "$RESULTS_DIR/e2e-build.log" 2>&1 || { tail -50 "$RESULTS_DIR/e2e-build.log"; exit 1; }
fi
# The app starts exactly as `npm start` does: the custom server (server.ts, bundled to dist/server.cjs).
node scripts/build-server.mjs || exit 1
PORT="$PORT" HOST=127.0.0.1 node dist/server.cjs > "$RESULTS_DIR/e2e-server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  curl -sf "$E2E_BASE_URL/api/health" >/dev/null && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "the app did not start:"; tail -30 "$RESULTS_DIR/e2e-server.log"; exit 1; fi
  sleep 0.5
done
npx playwright test "$@"

#!/usr/bin/env bash
# The one test command (README and CI): installs what the tests need on a fresh Debian machine —
# PostgreSQL, Chromium, poppler-utils from Debian; the npm packages from the lock file — then
# type-checks, lints, checks formatting and runs every test. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v chromium >/dev/null || missing+=(chromium)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  sudo=''
  [ "$(id -u)" -eq 0 ] || sudo='sudo'
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when the lock file changed since the last install (a fresh clone always installs).
stamp=node_modules/.ers-bridge-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "installing npm packages (npm ci)"
  started=$SECONDS
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
  echo "npm ci took $((SECONDS - started)) s"
else
  echo "npm packages already installed from this package-lock.json (skipping npm ci)"
fi

echo "type-checking (tsc --noEmit), linting (eslint), checking formatting (prettier)"
started=$SECONDS
npx tsc --noEmit
npx eslint .
npx prettier --check . >/dev/null
echo "checks took $((SECONDS - started)) s"
echo "running tests"
started=$SECONDS
npx mocha "$@"
echo "tests took $((SECONDS - started)) s"

#!/usr/bin/env bash
# The whole test suite: what `npm test` and CI run. Installs the system packages it needs when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

step "system packages"
bash scripts/install-system-deps.sh

step "lint"
npx eslint .
npx prettier --check .

step "type-check and build"
npm run build --silent

step "unit tests"
node --import tsx --test --test-force-exit --test-timeout=300000 $(find common/src engine/src tracker/src web/src hybrid-node/src keeper/src -name '*.test.ts' | sort)

step "end-to-end tests (Chromium and Firefox)"
npx playwright test

#!/usr/bin/env bash
# `make run`: prepare the SQLite database under var/, create the demo staff
# account, and serve the site. Settings come from the environment (README).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
export OVI_DB=${OVI_DB:-var/ovi.db}
export OVI_ORG_NAME=${OVI_ORG_NAME:-Ovi demo programme}
build/ovi migrate
echo
build/ovi demo
echo
exec build/ovi serve

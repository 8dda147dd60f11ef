#!/usr/bin/env bash
# Install what Ovi needs, and only what is missing (idempotent).
#   scripts/deps.sh run    build + serve
#   scripts/deps.sh check  everything `make check` needs (tests, browser, fuzz tools)
set -euo pipefail
mode=${1:-run}
cd "$(dirname "$0")/.."

pkgs=(build-essential pkg-config gettext iso-codes
      libmicrohttpd-dev libsqlite3-dev libsodium-dev libjansson-dev libcurl4-openssl-dev libical-dev tzdata sqlite3)
if [ "$mode" = run ]; then
	pkgs+=(python3-aiosmtpd)   # the local SMTP sink of `make run` (scripts/run.sh)
fi
if [ "$mode" = check ]; then
	pkgs+=(libcmocka-dev clang chromium nodejs npm liblemon-dev wrk nginx-light python3)
fi

missing=()
for p in "${pkgs[@]}"; do
	# nodejs/npm may come from elsewhere than Debian; a working binary is enough.
	case $p in
	nodejs) command -v node >/dev/null && continue ;;
	npm) command -v npm >/dev/null && continue ;;
	esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$mode" = check ]; then
	# Browser tests: playwright-core drives Debian's chromium; never downloads a browser.
	if [ ! -d tests/node_modules/playwright-core ] || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
		(cd tests && npm ci --no-audit --no-fund --loglevel=error)
	fi
fi

#!/usr/bin/env bash
# Cross-check of the matching engine against LEMON (Debian liblemon-dev):
# generated b-matching instances of 10,000 participants (both objectives,
# two candidate-graph sizes) and small random general min-cost-flow networks
# are solved by `ovi match solve` and by LEMON's NetworkSimplex; the optimal
# objectives must be equal and our certificate must check. One line per
# instance; exits non-zero on any mismatch.
#
#   tests/lemon/run.sh            seeds 1 2 3
#   LEMON_SEEDS="1 2 3 4 5" tests/lemon/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

out=build/lemon
mkdir -p "$out"
CFLAGS="-std=c17 -Wall -Wextra -Werror -Wshadow -Wvla -Wformat=2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -g"
# shellcheck disable=SC2086
cc $CFLAGS -Isrc -o "$out/ovi-match" tests/lemon/match_main.c src/match/*.c -lm
g++ -O2 -std=c++17 -o "$out/lemon-mcf" tests/lemon/lemon_mcf.cc -llemon

seeds=${LEMON_SEEDS:-"1 2 3"}
fail=0

field() { # field NAME TEXT: the value after "NAME: " on its line
	printf '%s\n' "$2" | sed -n "s/^$1: \\([^ ]*\\).*/\\1/p" | head -n 1
}

check() { # check LABEL FILE
	local ours lemon o l cert
	ours=$("$out/ovi-match" solve "$2" 2>&1) || true
	lemon=$("$out/lemon-mcf" "$2" 2>&1) || true
	o=$(field objective "$ours")
	l=$(field objective "$lemon")
	cert=$(field certificate "$ours")
	if [ -n "$o" ] && [ "$o" = "$l" ] && { [ "$o" = none ] || [ "$cert" = ok ]; }; then
		printf 'ok        %-40s objective %s (lemon %s), certificate %s\n' "$1" "$o" "$l" "${cert:-n/a}"
	else
		printf 'MISMATCH  %-40s ours %s (certificate %s), lemon %s\n' "$1" "${o:-?}" "${cert:-?}" "${l:-?}"
		fail=1
	fi
}

for seed in $seeds; do
	for objective in people score; do
		for k in 50 20; do
			f="$out/inst-$seed-$objective-$k.dimacs"
			"$out/ovi-match" gen --participants 10000 --seed "$seed" --objective "$objective" \
				--candidates "$k" --dimacs "$f" >/dev/null
			check "10k seed=$seed objective=$objective K=$k" "$f"
			rm -f "$f"
		done
	done
	# A random general network: lower bounds, negative costs, several
	# supplies and demands (it may be infeasible: then both must say so).
	f="$out/general-$seed.dimacs"
	awk -v seed="$seed" 'BEGIN {
		srand(seed); n = 60; m = 500
		print "c random general network, seed " seed
		print "p min " n " " m
		for (k = 0; k < 12; k++) { a = 1 + int(rand() * n); b = 1 + int(rand() * n); s = 1 + int(rand() * 9)
			sup[a] += s; sup[b] -= s }
		for (v = 1; v <= n; v++) if (sup[v] != 0) print "n " v " " sup[v]
		for (k = 0; k < m; k++) { t = 1 + int(rand() * n); h = 1 + int(rand() * n)
			low = rand() < 0.1 ? 1 : 0; cap = low + int(rand() * 12); cost = int(rand() * 200) - 60
			print "a " t " " h " " low " " cap " " cost }
	}' >"$f"
	check "general seed=$seed (60 nodes, 500 arcs)" "$f"
	rm -f "$f"
done

exit "$fail"

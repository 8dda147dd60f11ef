#!/usr/bin/env bash
# Every message in po/ovi.pot must be in each catalogue, and translated in
# every language but English (the source language).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for l in "$@"; do
	missing=$(msgcmp --use-untranslated po/$l.po po/ovi.pot 2>&1 | grep -c 'this message is used but not defined' || true)
	untranslated=0
	[ "$l" = en ] || untranslated=$(msgattrib --untranslated --no-obsolete po/$l.po | grep -c '^msgid ' || true)
	fuzzy=$(msgattrib --only-fuzzy --no-obsolete po/$l.po | grep -c '^msgid ' || true)
	if [ "$missing" != 0 ] || { [ "$l" != en ] && [ "$untranslated" -gt 1 ]; } || [ "$fuzzy" != 0 ]; then
		echo "po: $l.po: $missing missing, $((untranslated > 0 ? untranslated - 1 : 0)) untranslated, $fuzzy fuzzy (run 'make po-update' and translate)"
		msgcmp --use-untranslated po/$l.po po/ovi.pot 2>&1 | head -n 10 || true
		status=1
	fi
done
[ $status = 0 ] && echo "po: all catalogues complete ($*)"
exit $status

#!/usr/bin/env bash
# Merge translation parts written by parallel work (po/parts/AREA.LANG.po)
# into po/LANG.po, then bring every catalogue in line with po/ovi.pot.
# A part wins over the main catalogue, so corrections made in a part count.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s po/ovi.pot
for l in sv fi en; do
	parts=$(ls po/parts/*."$l".po 2>/dev/null || true)
	if [ -n "$parts" ]; then
		# msgcat needs a charset in every file, and the first header wins:
		# every part gets the main catalogue's header.
		hp=""
		for p in $parts; do
			t=$(mktemp --suffix=.po)
			# (a header is `msgid ""` directly followed by msgstr; a long
			# msgid also starts with `msgid ""`, followed by a string)
			{ sed -n '/^msgid ""$/,/^$/p' po/$l.po
			  awk '!done && $0 == "msgid \"\"" { getline n; if (n ~ /^msgstr/) { skip = 1; done = 1; next }
			                                        print; print n; next }
			       skip { if ($0 == "") skip = 0; next } { print }' "$p"; } > "$t"
			hp="$hp $t"
		done
		msgcat --use-first $hp po/$l.po -o po/$l.po.tmp
	else
		cp po/$l.po po/$l.po.tmp
	fi
	msgmerge -q --no-fuzzy-matching --no-wrap po/$l.po.tmp po/ovi.pot -o po/$l.po.tmp2
	msgattrib --no-obsolete --no-wrap po/$l.po.tmp2 -o po/$l.po.tmp
	# One header comment of our own, not the first part's.
	{ echo "# Ovi's messages in language '$l'. See docs/architecture.md, 'A translation'."
	  sed '1,/^msgid ""/{/^#/d}' po/$l.po.tmp; } > po/$l.po
	rm -f po/$l.po.tmp po/$l.po.tmp2
done

# Ovi build. `make run` and `make check` are the two commands a newcomer needs;
# both first run scripts/deps.sh, which installs only what is missing.

CC      ?= cc
PKGS    := libmicrohttpd sqlite3 libsodium jansson libcurl libical
SHELL   := /bin/bash
WARN    := -std=c17 -Wall -Wextra -Werror -Wshadow -Wvla -Wformat=2
DEFS    := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
CFLAGS_REL  := -O2 -g
CFLAGS_ASAN := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LIBS = $(PKG_LIBS) -lpthread -lm

SRC      := $(shell find src -name '*.c' | sort)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
TESTS    := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
FUZZERS  := $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))
LANGS    := sv fi en
MO       := $(patsubst %,build/locale/%.mo,$(LANGS))

.PHONY: all run check check-all unit http browser po fuzz bench clean deps

all: build/ovi $(MO)

# ---- the two commands --------------------------------------------------------
run:
	@scripts/deps.sh run
	@$(MAKE) --no-print-directory all
	@scripts/run.sh

check:
	@scripts/deps.sh check
	@$(MAKE) --no-print-directory check-all

check-all: build/ovi-asan $(MO) po-check
	@scripts/check.sh $(TESTS)

# ---- objects -----------------------------------------------------------------
# Quiet by default; `make V=1` shows the commands.
Q := $(if $(V),,@)

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(WARN) $(DEFS) $(CFLAGS_REL) -Isrc $(PKG_CFLAGS) -MMD -MP -c $< -o $@

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC-ASAN $<")
	$(Q)$(CC) $(WARN) $(DEFS) $(CFLAGS_ASAN) -Isrc $(PKG_CFLAGS) -MMD -MP -c $< -o $@

REL_OBJ  := $(patsubst %.c,build/rel/%.o,$(SRC))
ASAN_OBJ := $(patsubst %.c,build/asan/%.o,$(SRC))
ASAN_LIB := $(patsubst %.c,build/asan/%.o,$(LIB_SRC))

build/ovi: $(REL_OBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS_REL) -o $@ $^ $(LIBS)

build/ovi-asan: $(ASAN_OBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS_ASAN) -o $@ $^ $(LIBS)

build/tests/%: build/asan/tests/unit/%.o $(ASAN_LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS_ASAN) -o $@ $^ $(LIBS) -lcmocka

unit: $(addprefix build/tests/,$(TESTS))

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- translations --------------------------------------------------------------
# Template strings are extracted by ovi itself (it parses every template, so a
# template error fails the build), then xgettext reads them with the C sources.
build/tmpl-strings.c: build/ovi $(wildcard templates/*.html)
	@mkdir -p build
	build/ovi tmpl-strings templates > $@

po/ovi.pot: build/tmpl-strings.c $(SRC)
	xgettext --from-code=UTF-8 -k_ -kN_ -kctx_tr:2 -c/ --package-name=ovi --no-location \
	  --add-comments=TRANSLATORS: -o $@.tmp $(SRC) build/tmpl-strings.c
	@sed -i '/^"POT-Creation-Date/d' $@.tmp
	@if [ -f $@ ] && cmp -s $@ $@.tmp; then rm $@.tmp; else mv $@.tmp $@; fi

po-update: po/ovi.pot
	for l in $(LANGS); do msgmerge -q --no-fuzzy-matching -U --backup=none po/$$l.po po/ovi.pot; done

build/locale/%.mo: po/%.po
	@mkdir -p build/locale
	msgfmt --check -o $@ $<

# Every msgid the code or templates use must be translated in sv and fi.
po-check: po/ovi.pot $(MO)
	@scripts/po-check.sh $(LANGS)

# ---- fuzzing (clang libFuzzer) -------------------------------------------------
FUZZ_SECONDS ?= 20
build/fuzz/%: fuzz/%.c $(LIB_SRC)
	@mkdir -p build/fuzz
	clang $(WARN) $(DEFS) -g -O1 -fsanitize=fuzzer,address,undefined -Isrc $(PKG_CFLAGS) \
	  -o $@ $< $(LIB_SRC) $(LIBS)

fuzz: $(addprefix build/fuzz/,$(FUZZERS))
	@for f in $(FUZZERS); do \
	  echo "== $$f ($(FUZZ_SECONDS)s)"; mkdir -p build/fuzz/corpus-$$f; \
	  build/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	    build/fuzz/corpus-$$f fuzz/corpus/$$f 2>&1 | tail -n 3 || exit 1; \
	done

bench: all
	bench/http
	bench/match --quick

clean:
	rm -rf build

# Finestreta — plain Make + pkg-config.  `make` builds build/finestreta.
# `make demo` and `make check` are the two set-up commands the README gives.

PKGS     := libmicrohttpd jansson sqlite3 libpq libsodium inih libcurl libical cairo pangocairo libqrencode libcrypto \
            libbrotlienc zlib xlsxwriter zbar
CC       ?= cc
CSTD     := -std=c17 -D_GNU_SOURCE
WARN     := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
OPT      ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) -Isrc $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lpthread -lm $(EXTRA_LDFLAGS)

# BUILD selects an output tree: build/ (default), build/asan (sanitizers), build/fuzz.
BUILD    ?= build
SRCS     := $(shell find src -name '*.c' ! -path 'src/cli/main.c' | sort)
OBJS     := $(SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)

# The sanitizer build (ASan + UBSan): clang, because GCC 12 with -fsanitize=undefined reports
# false -Wformat-truncation errors on vsnprintf wrappers. `make test-asan` builds it into
# build/asan and runs the unit tests and the API suite (SQLite) on it; make check does the same.
ASAN_CC  ?= clang
ASAN_OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
ASAN_LD  := -fsanitize=address,undefined
export ASAN_OPTIONS ?= detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS ?= halt_on_error=1:print_stacktrace=1

.PHONY: all deps demo check test-unit test-api test-e2e asan test-asan analyze fuzz fuzz-short lint bench bench-pg clean format \
	install uninstall deb test-deb

# `make install`: PREFIX (default /usr, where deploy/finestreta.ini.example looks), DESTDIR for
# staging; SYSCONFDIR (default /etc) gets finestreta/finestreta.ini, never overwritten.
PREFIX     ?= /usr
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
DOCDIR     ?= $(DATADIR)/doc/finestreta

all: $(BUILD)/finestreta

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/libfinestreta.a: $(OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/finestreta: $(BUILD)/obj/src/cli/main.o $(BUILD)/libfinestreta.a
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libfinestreta.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(shell pkg-config --cflags cmocka) -o $@ $< $(BUILD)/libfinestreta.a \
		$(LDLIBS_ALL) $(shell pkg-config --libs cmocka)

units: $(UNIT_BINS)

-include $(OBJS:.o=.d) $(BUILD)/obj/src/cli/main.d

deps:
	@scripts/install-deps.sh

demo: deps
	@$(MAKE) --no-print-directory all
	FINESTRETA_PADRO_DEMO_SMS_GATEWAY=true FINESTRETA_I18N_LANGUAGES=$${FINESTRETA_I18N_LANGUAGES:-ca,es,en,ar,zh} \
		FINESTRETA_DEMO_HISTORY_DAYS=$${FINESTRETA_DEMO_HISTORY_DAYS:-365} \
		./build/finestreta demo --db sqlite:data/demo.db --listen 127.0.0.1:8080

check: deps
	@scripts/check.sh

test-unit: all units
	@scripts/run-unit.sh $(BUILD)

test-api: all
	@scripts/run-api.sh $(BUILD) sqlite

test-e2e: all
	@scripts/run-e2e.sh

asan:
	@$(MAKE) --no-print-directory CC="$(ASAN_CC)" BUILD=build/asan OPT="$(ASAN_OPT)" EXTRA_LDFLAGS="$(ASAN_LD)" \
		all units

test-asan: asan
	@scripts/run-unit.sh build/asan
	@scripts/run-api.sh build/asan sqlite

# clang's static analyser over the whole build (Debian: clang-tools); a finding fails it.
analyze:
	@scan-build --status-bugs -o build/scan-report --use-cc=clang $(MAKE) --no-print-directory -B BUILD=build/scan all

fuzz:
	@scripts/run-fuzz.sh long

fuzz-short:
	@scripts/run-fuzz.sh short

lint:
	@scripts/check-style.sh
	@scripts/check-layers.sh
	@scripts/check-po.sh
	@scripts/check-keys.sh

install: all
	@DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" BINDIR="$(BINDIR)" DATADIR="$(DATADIR)" \
		SYSCONFDIR="$(SYSCONFDIR)" UNITDIR="$(UNITDIR)" DOCDIR="$(DOCDIR)" BUILD="$(BUILD)" scripts/install.sh

# Leaves SYSCONFDIR/finestreta/finestreta.ini (settings) alone.
uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/finestreta" "$(DESTDIR)$(UNITDIR)/finestreta.service"
	rm -rf "$(DESTDIR)$(DATADIR)/finestreta" "$(DESTDIR)$(DOCDIR)"

# A Debian package in build/deb/ (dpkg-deb); `make test-deb` installs it on this machine (root).
deb: all
	@scripts/make-deb.sh $(BUILD)

test-deb: deb
	@scripts/test-deb.sh $(BUILD)

bench: all
	@scripts/run-bench.sh

bench-pg: all
	@scripts/run-bench-pg.sh

format:
	clang-format -i $(shell find src tests/unit tests/fuzz -name '*.[ch]')

clean:
	rm -rf build

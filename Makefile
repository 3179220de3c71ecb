# ionsheet: `make` builds ./ionsheet, `make demo` and `make test` are the
# two set-up commands (they install missing Debian packages first).

CC      ?= cc
PKGS    := sqlite3 libxml-2.0 libsodium harfbuzz harfbuzz-subset fribidi zlib
WARN    := -std=c11 -Wall -Wextra -Wpedantic
OPT     ?= -O2 -g
CFLAGS  += $(WARN) $(OPT) -D_POSIX_C_SOURCE=200809L -Isrc \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# Debian's libharu ships no pkg-config file.
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) \
           $(shell pkg-config --libs libhpdf 2>/dev/null || echo -lhpdf) -lm
TEST_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

# Debian packages the build, the tests and the demo need.
DEB_PACKAGES := pkg-config libsqlite3-dev libxml2-dev libhpdf-dev \
                libcmocka-dev libsodium-dev poppler-utils libxml2-utils \
                fonts-dejavu-core \
                sqlite3 tmux python3
DEB_PACKAGES += libutf8proc-dev  # src/utf8.c: decoding, validation, terminal widths
DEB_PACKAGES += man-db groff-base  # tests/e2e/install.sh: man -l of the man page
PKGS += libutf8proc
# PDF fonts (issue 15): HarfBuzz shaping and hb-subset, FriBidi, zlib for
# the subsets; WenQuanYi Micro Hei for Chinese, Japanese and Korean; the
# font test's readers (mupdf-tools) and its base-35-only fontconfig.
DEB_PACKAGES += libharfbuzz-dev libfribidi-dev zlib1g-dev fonts-wqy-microhei mupdf-tools fonts-urw-base35

BUILD   ?= build
LIB_SRC := $(wildcard src/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:src/cli/%.c=$(BUILD)/cli/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
E2E     := $(sort $(wildcard tests/e2e/*.sh))

.PHONY: all deps test unit e2e demo bench asan asan-fuzz valgrind lint clean

all: deps ionsheet

# Installs the Debian packages of $(1) that are not installed (apt-get update
# first, apt-get options $(2)), and says so; a no-op on a ready machine. Fails
# when the installation fails.
INSTALL_MISSING = missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || \
	    missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "ionsheet: installing missing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y $(2) $$missing; \
	fi

deps: $(BUILD)/.deps
$(BUILD)/.deps: Makefile
	@mkdir -p $(BUILD)
	@$(call INSTALL_MISSING,$(DEB_PACKAGES))
	@touch $@

$(BUILD)/libionsheet.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

libionsheet.a: $(BUILD)/libionsheet.a
	cp $< $@

# The program: ./ionsheet, and that of another build directory as
# $(BUILD)/bin/ionsheet (make asan's).
ionsheet $(BUILD)/bin/ionsheet: $(CLI_OBJ) $(BUILD)/libionsheet.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libionsheet.a $(LDLIBS)

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/cli/%.o: src/cli/%.c $(wildcard src/*.h src/cli/*.h) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libionsheet.a $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libionsheet.a $(LDLIBS) $(TEST_LIBS)

# test_oom fails the library's allocations one at a time: its own malloc.
$(BUILD)/tests/test_oom: TEST_LIBS += -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

e2e: ionsheet
	@set -e; for t in $(E2E); do echo "== $$t"; bash $$t; done

test: all unit e2e asan-fuzz
	@echo "ionsheet: all tests passed"

# In the tests a catalogue key the catalogue lacks aborts at its lookup,
# naming it (src/tmpl.h: ion_tmpl_missing), instead of showing "[[KEY]]".
test unit e2e asan asan-fuzz valgrind: export IONSHEET_TEXT_STRICT := 1

demo: all
	@bash tests/demo.sh

# Benchmarks (figures in the README, bench/README.md): generation, grading,
# bank check, and pdflatex beside ionsheet (bench/latex.sh). pdflatex comes
# from texlive-latex-base, installed here when missing; when it cannot be
# installed (no network, no sudo) the benchmarks run without that row.
bench: all
	@$(call INSTALL_MISSING,texlive-latex-base,--no-install-recommends) || \
	  echo "make bench: texlive-latex-base could not be installed; bench/latex.sh will skip pdflatex"
	@st=0; for b in $(sort $(wildcard bench/*.sh)); do echo "== $$b"; bash $$b || { echo "make bench: $$b failed"; st=1; }; done; exit $$st

# The same tests with AddressSanitizer and UndefinedBehaviorSanitizer: the
# unit tests, then every end-to-end script against build-asan/bin/ionsheet
# (IONSHEET_BIN) but crash.sh, whose SIGKILLs and strace (which LeakSanitizer
# cannot run under) test the database, not the memory.
ASAN_OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_E2E := $(filter-out tests/e2e/crash.sh,$(E2E))
asan: deps
	$(MAKE) BUILD=build-asan OPT="$(ASAN_OPT)" unit build-asan/bin/ionsheet
	@set -e; for t in $(ASAN_E2E); do echo "== asan $$t"; \
	  IONSHEET_BIN=$(CURDIR)/build-asan/bin/ionsheet bash $$t; done

# Part of make test: the grader's fuzz-style test (thousands of random
# answers and mutated submissions and keys) under ASan and UBSan, then the
# markup reader's libFuzzer target (tests/fuzz/fuzz_markup.c: the web's
# HTML, plain text) without libFuzzer, on its corpus and mutations of it
# for FUZZ_MARKUP_SECONDS (tests/fuzz/standalone.c).
FUZZ_MARKUP_SECONDS ?= 10
asan-fuzz: deps
	$(MAKE) BUILD=build-asan OPT="$(ASAN_OPT)" build-asan/tests/test_grade_fuzz build-asan/fuzz/fuzz_markup
	build-asan/tests/test_grade_fuzz
	build-asan/fuzz/fuzz_markup tests/fuzz/corpus/fuzz_markup tests/fuzz/fuzz_markup.dict $(FUZZ_MARKUP_SECONDS)

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/standalone.c tests/fuzz/fuzz.h $(BUILD)/libionsheet.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DFUZZ_ROOT='"$(CURDIR)"' -o $@ $< tests/fuzz/standalone.c $(BUILD)/libionsheet.a $(LDLIBS)

valgrind: deps $(UNIT_BIN)
	@$(call INSTALL_MISSING,valgrind)
	@set -e; for t in $(UNIT_BIN); do echo "== valgrind $$t"; \
	  valgrind -q --error-exitcode=9 --leak-check=full --suppressions=tests/valgrind.supp $$t; done

lint: deps
	@$(call INSTALL_MISSING,cppcheck)
	cppcheck --quiet --enable=warning,performance,portability --error-exitcode=1 \
	  --suppress=missingIncludeSystem -Isrc src

clean:
	rm -rf build build-asan ionsheet libionsheet.a

# libFuzzer targets (tests/fuzz/README.md), needing clang and
# libclang-rt-14-dev (installed when missing): the library again with the sanitizers in build-fuzz/,
# then each target FUZZ_SECONDS over its corpus (a scratch copy of the seeds
# in tests/fuzz/corpus/ that grows from run to run). A crash stops here, its
# input in build-fuzz/artifacts/.
FUZZ_SECONDS ?= 30
.PHONY: fuzz
fuzz: deps
	@$(call INSTALL_MISSING,clang libclang-rt-14-dev,--no-install-recommends) || \
	  { echo "make fuzz: needs clang and libclang-rt-14-dev"; exit 1; }
	$(MAKE) BUILD=build-fuzz CC=clang OPT="$(ASAN_OPT) -fsanitize=fuzzer-no-link" build-fuzz/libionsheet.a
	@set -e; mkdir -p build-fuzz/fuzz build-fuzz/artifacts; \
	for src in $(sort $(wildcard tests/fuzz/fuzz_*.c)); do t=$$(basename $$src .c); \
	  clang $(CFLAGS) $(ASAN_OPT) -fsanitize=fuzzer -DFUZZ_ROOT='"$(CURDIR)"' -o build-fuzz/fuzz/$$t \
	    $$src build-fuzz/libionsheet.a $(LDLIBS); \
	  mkdir -p build-fuzz/corpus/$$t; cp tests/fuzz/corpus/$$t/* build-fuzz/corpus/$$t/; \
	  echo "== $$t: $(FUZZ_SECONDS) s"; \
	  if build-fuzz/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	      -dict=tests/fuzz/$$t.dict -artifact_prefix=build-fuzz/artifacts/$$t- \
	      build-fuzz/corpus/$$t >build-fuzz/$$t.log 2>&1; \
	  then grep -E 'DONE|^Done' build-fuzz/$$t.log; \
	  else tail -n 40 build-fuzz/$$t.log; exit 1; fi; \
	done

# make install PREFIX=/usr/local DESTDIR=: the program in PREFIX/bin, the
# shipped problems/, schema/ and templates/ in PREFIX/share/ionsheet (where
# the program finds them from its own place, so a staged DESTDIR copy works
# too), the man page and the bash completion. make uninstall removes them.
VERSION ?= 0.1.0
PREFIX  ?= /usr/local
DESTDIR ?=
SHARED  := problems schema templates
INSTALL_BIN  = $(DESTDIR)$(PREFIX)/bin
INSTALL_DATA = $(DESTDIR)$(PREFIX)/share/ionsheet
INSTALL_MAN  = $(DESTDIR)$(PREFIX)/share/man/man1
INSTALL_COMP = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
$(BUILD)/cli/main.o: CFLAGS += -DION_VERSION='"$(VERSION)"'

.PHONY: install uninstall
install: all
	install -d $(INSTALL_BIN) $(INSTALL_DATA) $(INSTALL_MAN) $(INSTALL_COMP)
	install -m 755 ionsheet $(INSTALL_BIN)/ionsheet
	for d in $(SHARED); do rm -rf $(INSTALL_DATA)/$$d; cp -R $$d $(INSTALL_DATA)/$$d; done
	chmod -R u=rwX,go=rX $(INSTALL_DATA)
	install -m 644 man/ionsheet.1 $(INSTALL_MAN)/ionsheet.1
	install -m 644 completion/ionsheet.bash $(INSTALL_COMP)/ionsheet

uninstall:
	rm -f $(INSTALL_BIN)/ionsheet $(INSTALL_MAN)/ionsheet.1 $(INSTALL_COMP)/ionsheet
	rm -rf $(INSTALL_DATA)

# ionsheet serve: the web server (GNU libmicrohttpd with its thread pool and
# GnuTLS), QR codes of the students' links (libqrencode); its tests drive a
# real browser (chromium, chromium-driver, python3-selenium) and curl; make
# bench loads it with wrk.
PKGS += libmicrohttpd libqrencode
LDLIBS += -lpthread
DEB_PACKAGES += libmicrohttpd-dev libqrencode-dev curl chromium chromium-driver python3-selenium wrk zbar-tools openssl  # serve
DEB_PACKAGES += libgmp-dev  # src/judge.c: the tolerance's edge decided exactly in rationals
LDLIBS += -lgmp

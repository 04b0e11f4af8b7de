# recruitd. The two commands a newcomer needs: `make run` and `make test`.
# Both install what is missing first (scripts/deps.sh), so nothing here may
# need a library before that step: pkg-config is asked only when compiling.

VARIANT  ?= release
ifeq ($(VARIANT),fuzz)
  # make fuzz: clang's libFuzzer with ASan and UBSan over every module.
  CC      := clang
  B       := build/fuzz
  BIN     := build/fuzz/bin
  SANFLAGS := -fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  OPT     := -O1
else ifeq ($(VARIANT),tsan)
  # make test-tsan: ThreadSanitizer over the unit tests and the concurrency suites.
  B       := build/tsan
  BIN     := build/tsan/bin
  SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
  OPT     := -O1
else ifeq ($(VARIANT),asan)
  B       := build/asan
  BIN     := build/asan/bin
  SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  OPT     := -O1
else
  B       := build/release
  BIN     := bin
  SANFLAGS :=
  OPT     := -O2
endif

PKGS     = libmicrohttpd jansson libpq libcrypto libarchive zlib libcurl cjose
CC      ?= cc
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
           -Wcast-qual -Wwrite-strings -Wpointer-arith -Werror
# Hardened: fortified libc calls, stack canaries, position-independent, read-only relocations.
HARDEN   = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE -fno-common
CFLAGS   = -std=c17 -D_GNU_SOURCE -g $(OPT) $(WARN) $(HARDEN) $(SANFLAGS) -Iinclude $(shell pkg-config --cflags $(PKGS))
LDFLAGS  = $(SANFLAGS) -pie -Wl,-z,relro,-z,now
# libunistring (Unicode case folding, core/fold.c) ships no pkg-config file in Debian.
LDLIBS   = $(shell pkg-config --libs $(PKGS)) -lunistring -lpthread -lm
TESTLIBS = $(LDLIBS) $(shell pkg-config --libs cmocka)

# Every module but the two programs' mains (server/main/), layer by layer.
LAYERS   := core domain edge store flows jobs api pages
CORE_SRC := $(foreach l,$(LAYERS),$(wildcard server/$(l)/*.c))
CORE_OBJ := $(CORE_SRC:server/%.c=$(B)/server/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/test_%.c=$(B)/tests/unit_%)
API_SRC  := $(wildcard tests/api/test_*.c)
API_BIN  := $(API_SRC:tests/api/test_%.c=$(B)/tests/api_%)
# The API suites' harness, in its parts (harness.c, harness_http.c, ...), linked into every suite.
HARNESS_OBJ := $(patsubst tests/api/%.c,$(B)/tests/api/%.o,$(wildcard tests/api/harness*.c))
# Fuzz harnesses: replayed over their corpora by make test, fuzzed by make fuzz.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(B)/tests/fuzz_%)
LIBFUZZ_BIN := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(B)/tests/libfuzzer_%)

.PHONY: all build tests deps run test test-asan test-tsan bench stop clean format format-check check-deps fuzz fuzzers
all: build tests
build: $(BIN)/recruitd $(BIN)/recruitctl
tests: $(UNIT_BIN) $(API_BIN) $(FUZZ_BIN)

$(BIN)/recruitd: $(B)/server/main/main.o $(CORE_OBJ)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/recruitctl: $(B)/server/main/recruitctl.o $(B)/server/main/ctl.o $(B)/server/main/ctl_keys.o $(CORE_OBJ)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/server/%.o: server/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests -MMD -MP -c -o $@ $<

$(B)/tests/unit_%: $(B)/tests/unit/test_%.o $(B)/tests/unit/fixtures.o $(CORE_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(TESTLIBS)

$(B)/tests/api_%: $(B)/tests/api/test_%.o $(HARNESS_OBJ) $(B)/tests/api/keys_db.o $(B)/tests/unit/fixtures.o $(CORE_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(TESTLIBS)

$(B)/tests/fuzz_%: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay.o $(CORE_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/libfuzzer_%: $(B)/tests/fuzz/fuzz_%.o $(CORE_OBJ)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzzers: $(LIBFUZZ_BIN)

# The floor make bench measures recruitd against (bench/bare.c).
$(B)/bench/bare: bench/bare.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDLIBS)

deps:
	@scripts/deps.sh

# The layers of server/ depend only downward (docs/architecture.md), read from the compiler.
check-deps: build
	@scripts/check-deps.py $(B)

run:
	@scripts/run.sh

test:
	@scripts/test.sh

test-asan:
	@scripts/test.sh asan

test-tsan:
	@scripts/test.sh tsan

# BENCH_RUNS=3: that many runs on one seeded data set, then their median and spread
# (var/bench/report.md) and the chart of ratios (var/bench/ratios.svg).
bench:
	@rm -rf var/bench/runs
	@for i in $$(seq 1 $${BENCH_RUNS:-1}); do \
		if [ $$i -gt 1 ]; then BENCH_REUSE=1 scripts/bench.sh || exit 1; else scripts/bench.sh || exit 1; fi; \
	done
	@scripts/bench-report.py

# make fuzz [FUZZ_SECONDS=N] [FUZZ_TARGETS="json head ..."]: each harness for N seconds (default 60).
fuzz:
	@scripts/fuzz.sh

stop:
	@scripts/pg.sh stop

clean:
	rm -rf build bin

FORMAT_FILES = $(wildcard server/*/*.c server/*/*.h include/*/*.h tests/*/*.c tests/*/*.h bench/*.c)
format:
	clang-format -i $(FORMAT_FILES)

# .clang-format holds for every C file (make test runs this).
format-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES) && echo 'format-check: every C file is formatted'

-include $(shell find build -name '*.d' 2>/dev/null)
.SECONDARY:

# SPDX-License-Identifier: GPL-2.0
# vfio-trace build. `make` builds build/vfio-trace (static, BPF embedded as a
# skeleton) and build/vfio-workload. `make V=1` shows the commands.

OUTPUT ?= build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= gcc

ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
VMLINUX_DIR := vmlinux/$(ARCH)
ifeq ($(wildcard $(VMLINUX_DIR)/vmlinux.h),)
$(error no $(VMLINUX_DIR)/vmlinux.h for ARCH=$(ARCH); run tools/gen-vmlinux.sh)
endif

# make WERROR=1 (CI: tools/run-tests): warnings are errors, in user space (the
# sanitizer and fuzzing builds too), the BPF programs, the workload and the
# guest helper.
ifeq ($(WERROR),1)
WERROR_FLAGS := -Werror
endif

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wshadow -Wformat=2 \
	  -D_GNU_SOURCE -MMD -MP $(WERROR_FLAGS)
INCLUDES := -Iinclude -Isrc -I$(OUTPUT)
# Static so the binary runs on a host with any libbpf, or none.
STATIC_LIBS := -static -lbpf -lelf -lz
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wno-unused-function \
	      -MMD -MP -Iinclude -I$(VMLINUX_DIR) -Ivmlinux -Ibpf $(WERROR_FLAGS)

# Extra flags for sanitizer builds: make SAN=1
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
STATIC_LIBS := -lbpf -lelf -lz
LDFLAGS += -fsanitize=address,undefined
endif

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/bpf/%.bpf.o,$(BPF_SRCS))
SKEL := $(OUTPUT)/vfio_trace.skel.h

APP_SRCS := $(wildcard src/*.c)
APP_OBJS := $(patsubst src/%.c,$(OUTPUT)/src/%.o,$(APP_SRCS))
# Everything but main() is also linked into the unit tests.
LIB_OBJS := $(filter-out $(OUTPUT)/src/main.o,$(APP_OBJS))

UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/unit/%.o,$(UNIT_SRCS))

# The workload runs in the busybox guest: static, and without libbpf. From
# src/ it takes the JSON writer and whatever that needs, nothing more.
WORKLOAD_SRCS := $(wildcard tools/vfio-workload/*.c)
WORKLOAD_LIB_SRCS := src/json_writer.c src/utf8.c
WORKLOAD_OUT := $(OUTPUT)/workload
WORKLOAD_OBJS := $(patsubst %.c,$(WORKLOAD_OUT)/%.o,$(WORKLOAD_SRCS) $(WORKLOAD_LIB_SRCS))
WORKLOAD_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -pthread -MMD -MP -Isrc

# The C files `make format` formats and `make check-format` checks (.clang-format):
# those git knows of (tracked, or new and not ignored) in these directories;
# vmlinux/ is generated.
CLANG_FORMAT ?= clang-format
FORMAT_DIRS := src include bpf tests bench tools
FORMAT_FILES = $(wildcard $(shell git ls-files --cached --others --exclude-standard -- \
		 $(foreach d,$(FORMAT_DIRS),'$(d)/*.c' '$(d)/*.h') 2>/dev/null))

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all clean deps test unit demo bench format check-format modules

all: $(OUTPUT)/vfio-trace $(OUTPUT)/vfio-workload $(OUTPUT)/vt-bpf-progs $(OUTPUT)/vt-mmap-read

$(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c | $(OUTPUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# Link every concern's object into one, so one skeleton loads them all and the
# __weak maps in bpf/maps.bpf.h become a single map each.
$(OUTPUT)/vfio_trace.bpf.o: $(BPF_OBJS)
	$(call msg,GEN-OBJ,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(SKEL): $(OUTPUT)/vfio_trace.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name vfio_trace_bpf > $@

$(OUTPUT)/src/%.o: src/%.c | $(OUTPUT)/src $(SKEL)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(INCLUDES) -c $< -o $@

$(OUTPUT)/vfio-trace: $(APP_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(STATIC_LIBS) -o $@

# One object per source, each with its .d, so a header change rebuilds what
# includes it; the objects mirror the sources' paths under $(WORKLOAD_OUT).
$(WORKLOAD_OUT)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(WORKLOAD_CFLAGS) $(WERROR_FLAGS) -c $< -o $@

$(OUTPUT)/vfio-workload: $(WORKLOAD_OBJS) | $(OUTPUT)
	$(call msg,LINK,$@)
	$(Q)$(CC) -static -pthread $^ -o $@

# Test bed helper: lists loaded BPF programs in the busybox guest.
$(OUTPUT)/vt-bpf-progs: tools/vt-bpf-progs.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g -std=gnu11 -Wall -Wextra $(WERROR_FLAGS) -static $< $(STATIC_LIBS) -o $@

# Test bed helper: reads a file through a mapping, so that reclaim meets mapped
# file pages in the guest (tests/vm/scenarios/lockseed-basic.sh).
$(OUTPUT)/vt-mmap-read: tools/vt-mmap-read.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g -std=gnu11 -Wall -Wextra $(WERROR_FLAGS) -static $< -o $@

$(OUTPUT)/tests/unit/%.o: tests/unit/%.c | $(OUTPUT)/tests/unit $(SKEL)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(INCLUDES) -Itests/unit -c $< -o $@

$(OUTPUT)/tests/unit-tests: $(UNIT_OBJS) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -lcmocka -lbpf -lelf -lz -o $@

$(OUTPUT) $(OUTPUT)/bpf $(OUTPUT)/src $(OUTPUT)/tests/unit:
	$(Q)mkdir -p $@

unit: $(OUTPUT)/tests/unit-tests
	$(Q)cd tests/unit && ../../$(OUTPUT)/tests/unit-tests

# Every Debian package the build, the demo, the tests and the benchmarks use.
deps:
	$(Q)tools/install-deps

# The test bed's fixture modules (tests/modules/) against the headers of the
# guest's Debian kernel; tests/modules/build downloads them into .cache/.
modules:
	$(Q)tests/modules/build

test: all $(OUTPUT)/tests/unit-tests
	$(Q)tests/run

demo: all
	$(Q)tools/demo

# Side-by-side cost measurements in the VM (bench/README.md); BENCH_ARGS=--quick.
bench: all
	$(Q)$(MAKE) --no-print-directory -C bench run ARGS="$(BENCH_ARGS)"

clean:
	$(Q)rm -rf $(OUTPUT)

# Without a file, clang-format would read stdin.
format_files_found = [ -n "$(FORMAT_FILES)" ] || { echo "$@: no C file found (not a git tree?)" >&2; exit 1; }

format:
	$(Q)$(format_files_found)
	$(Q)$(CLANG_FORMAT) -i $(FORMAT_FILES)

# Lists the files `make format` would change, and fails, when there is any.
check-format:
	$(Q)$(format_files_found)
	$(Q)out=$$($(CLANG_FORMAT) --dry-run -Werror $(FORMAT_FILES) 2>&1) && exit 0; \
	bad=$$(printf '%s\n' "$$out" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' | sort -u); \
	if [ -z "$$bad" ]; then printf '%s\n' "$$out" >&2; echo "check-format: $(CLANG_FORMAT) failed" >&2; exit 1; fi; \
	echo "check-format: not formatted as .clang-format says ($$($(CLANG_FORMAT) --version)); make format fixes:" >&2; \
	printf '  %s\n' $$bad >&2; exit 1

-include $(wildcard $(OUTPUT)/bpf/*.d $(OUTPUT)/src/*.d $(OUTPUT)/tests/unit/*.d $(OUTPUT)/*.d)
-include $(WORKLOAD_OBJS:.o=.d)

# ---------------------------------------------------------------------------
# Fuzzing and sanitizer runs (tests/fuzz/README.md). Everything goes under
# $(OUTPUT)/fuzz and $(OUTPUT)/san, apart from the normal build.
#   make fuzz         each libFuzzer harness for FUZZ_SECONDS (default 60),
#                     FUZZ_JOBS processes each (default 1); prints executions
#   make fuzz-smoke   each harness for 10 s, as CI runs it
#   make san          the unit tests built with ASan+UBSan (no recovery), run
# The harnesses need clang's libFuzzer runtime (Debian: libclang-rt-14-dev).
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
FUZZ_OUT := $(OUTPUT)/fuzz
FUZZ_NAMES := cli values render diff kallsyms kmsg
FUZZ_BINS := $(patsubst %,$(FUZZ_OUT)/fuzz_%,$(FUZZ_NAMES))
# The parsers, the snapshot model, the analyses and the renderers: no libbpf,
# no kernel.
FUZZ_SRCS := $(addprefix src/,cli.c hist.c kallsyms.c kmsg_lines.c kmsg_record.c kmsg_report.c \
	     json_writer.c lock_order.c names.c render_dot.c \
	     render_json.c render_json_events.c render_json_lock_order.c render_prom.c \
	     render_text.c render_text_events.c render_text_lock_order.c snapshot.c utf8.c)
FUZZ_CFLAGS := -g -O2 -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter \
	       -Wno-missing-field-initializers -fno-omit-frame-pointer -Iinclude -Isrc \
	       -fsanitize=address,undefined -fno-sanitize-recover=all $(WERROR_FLAGS)
SAN_OUT := $(OUTPUT)/san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_OBJS := $(patsubst $(OUTPUT)/%,$(SAN_OUT)/%,$(UNIT_OBJS) $(LIB_OBJS))

.PHONY: fuzz fuzz-smoke san san-bin

fuzz: $(FUZZ_BINS)
	$(Q)tests/fuzz/run-fuzz --out $(FUZZ_OUT) --seconds $(FUZZ_SECONDS) --jobs $(FUZZ_JOBS) \
		$(FUZZ_NAMES)

fuzz-smoke: $(FUZZ_BINS)
	$(Q)tests/fuzz/run-fuzz --out $(FUZZ_OUT) --seconds 10 $(FUZZ_NAMES)

# The output checkers are the test, not the code under test: no coverage
# instrumentation for them, which would cost fuzz_render most of its speed.
$(FUZZ_OUT)/check_output.o: tests/fuzz/check_output.c tests/fuzz/check_output.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -O2 -c $< -o $@

$(FUZZ_OUT)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OUT)/check_output.o $(FUZZ_SRCS) \
		    $(wildcard tests/fuzz/*.h src/*.h include/*.h)
	$(call msg,FUZZ-LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_SRCS) $(FUZZ_OUT)/check_output.o -o $@

$(SAN_OUT)/src/%.o: src/%.c | $(SKEL)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(INCLUDES) -c $< -o $@

$(SAN_OUT)/tests/unit/%.o: tests/unit/%.c | $(SKEL)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(INCLUDES) -Itests/unit -c $< -o $@

$(SAN_OUT)/unit-tests: $(SAN_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $(SAN_FLAGS) $^ -lcmocka -lbpf -lelf -lz -o $@

# vfio-trace itself under ASan+UBSan, linked against the shared libraries: the
# sanitizer runtimes have no static form. tests/vm/pack-binary carries it and
# its libraries into the guest for the VM tests (tests/e2e/20-vm-trace.sh).
$(SAN_OUT)/vfio-trace: $(patsubst $(OUTPUT)/%,$(SAN_OUT)/%,$(APP_OBJS))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $(SAN_FLAGS) $^ -lbpf -lelf -lz -o $@

san-bin: $(SAN_OUT)/vfio-trace

san: $(SAN_OUT)/unit-tests
	$(Q)cd tests/unit && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ../../$(SAN_OUT)/unit-tests

-include $(wildcard $(SAN_OUT)/src/*.d $(SAN_OUT)/tests/unit/*.d)

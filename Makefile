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
.PHONY: all clean deps test unit demo bench soak format check-format modules

all: $(OUTPUT)/vfio-trace $(OUTPUT)/vfio-workload $(OUTPUT)/vt-bpf-progs $(OUTPUT)/vt-mmap-read \
	$(OUTPUT)/vt-mdev-pin

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

# The git revision --version reports, in $(OUTPUT)/version.h: rewritten only
# when it changes, so a new commit rebuilds main.o alone. "unknown" outside a
# git checkout (a release tarball). VT_GIT_REV=REV overrides it: make deb
# builds from a copy of the tree and hands the tree's revision down.
VT_GIT_REV ?= $(shell git -C "$(CURDIR)" describe --always --dirty 2>/dev/null || echo unknown)

$(OUTPUT)/version.h: FORCE | $(OUTPUT)
	$(Q)printf '#define VT_GIT_REV "%s"\n' "$(VT_GIT_REV)" > $@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(OUTPUT)/src/main.o: $(OUTPUT)/version.h

.PHONY: FORCE
FORCE:

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

# Test bed helper: lists loaded BPF programs (--maps: maps and their entries)
# in the busybox guest.
$(OUTPUT)/vt-bpf-progs: tools/vt-bpf-progs.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g -std=gnu11 -Wall -Wextra $(WERROR_FLAGS) -static $< $(STATIC_LIBS) -o $@

# Test bed helper: reads a file through a mapping, so that reclaim meets mapped
# file pages in the guest (tests/vm/scenarios/lockseed-basic.sh).
$(OUTPUT)/vt-mmap-read: tools/vt-mmap-read.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g -std=gnu11 -Wall -Wextra $(WERROR_FLAGS) -static $< -o $@

# Test bed helper: the user side of the vt_pinner fixture, which pins pages
# through vfio_pin_pages() (tests/vm/scenarios/trace-mdev-pins.sh).
$(OUTPUT)/vt-mdev-pin: tools/vt-mdev-pin.c | $(OUTPUT)
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

# An hour of the soak (not in CI, which runs a few minutes of it in
# tests/e2e/36-vm-soak.sh): RSS, open fds and map entries sampled every
# minute, judged and written to build/soak/results.md. SOAK_MINUTES,
# SOAK_KERNEL, SOAK_DEVICES.
SOAK_MINUTES ?= 60
SOAK_KERNEL ?= debian-6.1
SOAK_DEVICES ?= 4
soak: all
	$(Q)mkdir -p $(OUTPUT)/soak
	$(Q)VT_TCG_THREAD=single tests/vm/run-vm --kernel $(SOAK_KERNEL) --edus $(SOAK_DEVICES) --mem 2G \
		--timeout $$(( $(SOAK_MINUTES) * 60 + 900 )) --out $(OUTPUT)/soak/vm \
		soak $$(( $(SOAK_MINUTES) * 60 )) 60
	$(Q)tools/soak-report $(OUTPUT)/soak/vm/guest/soak.txt --out $(OUTPUT)/soak/results.md \
		--title "Soak: $(SOAK_KERNEL), $(SOAK_DEVICES) devices, $(SOAK_MINUTES) minutes"
	@echo "soak: $(OUTPUT)/soak/results.md"

clean:
	$(Q)rm -rf $(OUTPUT)

# make install [PREFIX=/usr/local] [DESTDIR=]: the static binary, and what
# doc/ and contrib/ hold of the man page, bash completion, systemd units,
# alert rules and Grafana dashboard. The units name /usr/sbin/vfio-trace; they
# get $(SBINDIR) instead. The rules' promtool tests (*.test.yml) are left out:
# they are not rule files, and a rule_files glob over the directory would take
# them for some. make uninstall with the same variables removes those files,
# and vfio-trace's own directories once empty; the shared ones (sbin, man8...)
# stay, as they were maybe there before.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
PKGDATADIR ?= $(DATADIR)/vfio-trace
INSTALL ?= install

INSTALL_MAN := $(wildcard doc/vfio-trace.8)
INSTALL_BASHCOMP := $(wildcard contrib/bash-completion/vfio-trace)
INSTALL_UNITS := $(wildcard contrib/systemd/*.service)
INSTALL_RULES := $(filter-out %.test.yml,$(wildcard contrib/prometheus/*.yml))
INSTALL_DASHBOARDS := $(wildcard contrib/grafana/*.json)

# Every file install writes, as uninstall removes it.
INSTALLED_FILES := $(SBINDIR)/vfio-trace \
	$(patsubst doc/%,$(MANDIR)/man8/%,$(INSTALL_MAN)) \
	$(patsubst contrib/bash-completion/%,$(BASHCOMPDIR)/%,$(INSTALL_BASHCOMP)) \
	$(patsubst contrib/systemd/%,$(SYSTEMDUNITDIR)/%,$(INSTALL_UNITS)) \
	$(patsubst contrib/%,$(PKGDATADIR)/%,$(INSTALL_RULES) $(INSTALL_DASHBOARDS))

# install_files MODE DIR FILES: nothing when FILES is empty.
install_files = $(if $(3),$(Q)$(INSTALL) -d -m 755 "$(DESTDIR)$(2)" && \
		$(INSTALL) -m $(1) $(3) "$(DESTDIR)$(2)/")

.PHONY: install uninstall

install: $(OUTPUT)/vfio-trace
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(call install_files,755,$(SBINDIR),$(OUTPUT)/vfio-trace)
	$(call install_files,644,$(MANDIR)/man8,$(INSTALL_MAN))
	$(call install_files,644,$(BASHCOMPDIR),$(INSTALL_BASHCOMP))
	$(call install_files,644,$(PKGDATADIR)/prometheus,$(INSTALL_RULES))
	$(call install_files,644,$(PKGDATADIR)/grafana,$(INSTALL_DASHBOARDS))
	$(if $(INSTALL_UNITS),$(Q)$(INSTALL) -d -m 755 "$(DESTDIR)$(SYSTEMDUNITDIR)" && \
		for f in $(INSTALL_UNITS); do \
			sed 's|/usr/sbin/vfio-trace\b|$(SBINDIR)/vfio-trace|g' "$$f" > "$(DESTDIR)$(SYSTEMDUNITDIR)/$${f##*/}" && \
			chmod 644 "$(DESTDIR)$(SYSTEMDUNITDIR)/$${f##*/}" || exit 1; \
		done)

uninstall:
	$(call msg,UNINSTALL,$(DESTDIR)$(PREFIX))
	$(Q)rm -f $(foreach f,$(INSTALLED_FILES),"$(DESTDIR)$(f)")
	$(Q)for d in "$(DESTDIR)$(PKGDATADIR)/prometheus" "$(DESTDIR)$(PKGDATADIR)/grafana" "$(DESTDIR)$(PKGDATADIR)"; do \
		[ ! -d "$$d" ] || rmdir --ignore-fail-on-non-empty "$$d" || exit 1; \
	done

# make deb: $(DEB_OUT)/vfio-trace_<version>_amd64.deb, by dpkg-buildpackage
# (debian/). It builds in a copy of the tree, $(DEB_OUT)/vfio-trace, as
# dpkg-buildpackage writes the .deb, .buildinfo and .changes into the parent
# of the tree it builds: that way they land in $(DEB_OUT), not next to this
# checkout. The copy has the files git knows of (tracked, or new and not
# ignored); its changelog gets the version <VT_VERSION>+git<commit
# date>.<revision>, e.g. 0.1.0+git20261202.e76b29c (".dirty" for a tree with
# changes).
DEB_OUT := $(OUTPUT)/deb
VT_VERSION = $(shell sed -n 's/^\#define VT_VERSION "\(.*\)"$$/\1/p' src/main.c)
DEB_DATE = $(shell git log -1 --format=%cd --date=format:%Y%m%d 2>/dev/null || date -u +%Y%m%d)
DEB_VERSION = $(VT_VERSION)+git$(DEB_DATE).$(subst -,.,$(VT_GIT_REV))

.PHONY: deb
deb:
	$(call msg,DEB,$(DEB_OUT) $(DEB_VERSION))
	$(Q)git rev-parse --git-dir >/dev/null 2>&1 || { echo "make deb: not a git checkout (it packages the files git knows of)" >&2; exit 1; }
	$(Q)rm -rf $(DEB_OUT) && mkdir -p $(DEB_OUT)/vfio-trace
	$(Q)git ls-files -z --cached --others --exclude-standard | \
		tar --null -T - --ignore-failed-read -cf - | tar -C $(DEB_OUT)/vfio-trace -xf -
	$(Q)sed -i '1s/^vfio-trace ([^)]*)/vfio-trace ($(DEB_VERSION))/' $(DEB_OUT)/vfio-trace/debian/changelog
	$(Q)cd $(DEB_OUT)/vfio-trace && VT_GIT_REV=$(VT_GIT_REV) dpkg-buildpackage -us -uc -b \
		> ../build.log 2>&1 || { tail -n 30 ../build.log >&2; echo "make deb: dpkg-buildpackage failed, see $(DEB_OUT)/build.log" >&2; exit 1; }
	$(Q)ls $(DEB_OUT)/*.deb

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
FUZZ_NAMES := cli values render diff kallsyms kmsg loadlog
FUZZ_BINS := $(patsubst %,$(FUZZ_OUT)/fuzz_%,$(FUZZ_NAMES))
# The parsers, the snapshot model, the analyses and the renderers: no libbpf,
# no kernel.
FUZZ_SRCS := $(addprefix src/,cli.c contention.c hist.c kallsyms.c kmsg_lines.c load_log.c kmsg_record.c kmsg_report.c \
	     json_writer.c lock_history.c lock_order.c names.c render_dot.c \
	     render_json.c render_json_events.c render_json_lock_order.c render_prom.c \
	     render_text.c render_text_events.c render_text_lock_order.c \
	     render_text_recorder.c render_text_top.c snapshot.c splat_chain.c top_rows.c utf8.c)
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

$(SAN_OUT)/src/main.o: $(OUTPUT)/version.h

san-bin: $(SAN_OUT)/vfio-trace

san: $(SAN_OUT)/unit-tests
	$(Q)cd tests/unit && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ../../$(SAN_OUT)/unit-tests

-include $(wildcard $(SAN_OUT)/src/*.d $(SAN_OUT)/tests/unit/*.d)

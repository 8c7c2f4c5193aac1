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

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wshadow -Wformat=2 \
	  -D_GNU_SOURCE -MMD -MP
INCLUDES := -Iinclude -Isrc -I$(OUTPUT)
# Static so the binary runs on a host with any libbpf, or none.
STATIC_LIBS := -static -lbpf -lelf -lz
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wno-unused-function \
	      -MMD -MP -Iinclude -I$(VMLINUX_DIR) -Ivmlinux -Ibpf

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

WORKLOAD_SRCS := tools/vfio-workload.c $(wildcard tools/vfio-workload/*.c)

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all clean deps test unit demo check-format

all: $(OUTPUT)/vfio-trace $(OUTPUT)/vfio-workload

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

$(OUTPUT)/vfio-workload: $(WORKLOAD_SRCS) | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g -std=gnu11 -Wall -Wextra -MMD -MP -static -pthread \
		$(WORKLOAD_SRCS) -o $@

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

test: all $(OUTPUT)/tests/unit-tests
	$(Q)tests/run

demo: all
	$(Q)tools/demo

clean:
	$(Q)rm -rf $(OUTPUT)

-include $(wildcard $(OUTPUT)/bpf/*.d $(OUTPUT)/src/*.d $(OUTPUT)/tests/unit/*.d $(OUTPUT)/*.d)

// SPDX-License-Identifier: GPL-2.0
#include "maps.bpf.h"
/* The one license section for the linked object: the helpers we call are GPL. */
char LICENSE[] SEC("license") = "GPL";

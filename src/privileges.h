/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VT_PRIVILEGES_H
#define VT_PRIVILEGES_H

#include <stddef.h>

/* 0 when the process may load and attach vfio-trace's programs; otherwise -EPERM
 * and a one-line message naming the missing capability. */
int vt_check_privileges(char *why, size_t why_len);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* A harness's oracle saying no: one line naming the harness, then abort() so
 * libFuzzer keeps the input. Define FUZZ_NAME before including this. */
#ifndef VT_FUZZ_FAIL_H
#define VT_FUZZ_FAIL_H

#include <stdio.h>
#include <stdlib.h>

#define FAIL(...)                                            \
	do {                                                 \
		fprintf(stderr, FUZZ_NAME ": " __VA_ARGS__); \
		fputc('\n', stderr);                         \
		abort();                                     \
	} while (0)

#endif

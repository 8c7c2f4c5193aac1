/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One cmocka group per concern. Each returns the number of failed tests, so
 * main() can add them up. cmocka needs these headers first, in this order.
 */
#ifndef VT_UNIT_TESTS_H
#define VT_UNIT_TESTS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

int run_names_tests(void);
int run_hist_tests(void);
int run_diff_tests(void);
int run_render_prom_tests(void);
int run_render_text_tests(void);
int run_render_json_tests(void);
int run_textfile_tests(void);
int run_cli_tests(void);
int run_kallsyms_tests(void);
int run_btf_func_index_tests(void);
int run_attach_targets_tests(void);
int run_lock_order_tests(void);
int run_kmsg_report_tests(void);
int run_load_log_tests(void);
int run_contention_tests(void);
int run_flight_recorder_tests(void);
int run_device_owners_tests(void);
int run_top_tests(void);
int run_slow_events_tests(void);
int run_output_file_tests(void);
int run_bdf_table_tests(void);
int run_stack_names_tests(void);

#endif

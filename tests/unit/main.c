// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the user-space side. Run from tests/unit (the golden files
 * are found relative to it): `make unit`. VT_UPDATE_GOLDEN=1 rewrites the
 * golden files from the current output instead of comparing; review the diff
 * before committing it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "tests.h"

int main(void)
{
	int failed = 0;

	/* The text golden files print %H:%M:%S: make it the same everywhere. */
	setenv("TZ", "UTC", 1);
	tzset();

	failed += run_names_tests();
	failed += run_hist_tests();
	failed += run_diff_tests();
	failed += run_render_prom_tests();
	failed += run_render_text_tests();
	failed += run_render_json_tests();
	failed += run_textfile_tests();
	failed += run_cli_tests();
	failed += run_kallsyms_tests();
	failed += run_btf_func_index_tests();
	failed += run_attach_targets_tests();
	failed += run_lock_order_tests();
	failed += run_kmsg_report_tests();
	failed += run_load_log_tests();
	failed += run_contention_tests();
	failed += run_flight_recorder_tests();
	failed += run_device_owners_tests();
	failed += run_top_tests();
	failed += run_slow_events_tests();
	failed += run_output_file_tests();
	failed += run_bdf_table_tests();
	failed += run_stack_names_tests();

	if (failed)
		fprintf(stderr, "unit tests: %d failed\n", failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

// SPDX-License-Identifier: GPL-2.0
/* vfio-trace: parse, then hand over to one command. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "commands.h"
#include "output_file.h"
#include "signals.h"
#include "version.h" /* VT_GIT_REV, made by the Makefile */

#ifndef VT_VERSION
#define VT_VERSION "0.1.0"
#endif

static int run(const struct vt_options *o)
{
	switch (o->command) {
	case VT_CMD_EVENTS: return vt_cmd_events(o);
	case VT_CMD_EXPORT: return vt_cmd_export(o);
	case VT_CMD_PROBES: return vt_cmd_probes(o);
	case VT_CMD_LOCKDEP: return vt_cmd_lockdep(o);
	case VT_CMD_TOP: return vt_cmd_top(o);
	case VT_CMD_SUMMARY:
	default: return vt_cmd_summary(o);
	}
}

int main(int argc, char **argv)
{
	struct vt_output_file out;
	struct vt_options o;
	char err[256];
	int rc;

	if (vt_cli_parse(argc, argv, &o, err, sizeof(err))) {
		fprintf(stderr, "vfio-trace: %s\n", err);
		return VT_EXIT_USAGE;
	}
	if (o.help) {
		vt_cli_usage(stdout, o.command, o.subcommand);
		return VT_EXIT_OK;
	}
	if (o.version) {
		printf("vfio-trace %s (git %s)\n", VT_VERSION, VT_GIT_REV);
		return VT_EXIT_OK;
	}
	if (vt_install_signal_handlers()) {
		perror("vfio-trace: sigaction");
		return VT_EXIT_ERROR;
	}
	if (o.output_path) {
		/* A snapshot is replaced atomically; a stream is written as it
		 * comes. */
		bool snapshot = o.command == VT_CMD_PROBES || o.command == VT_CMD_LOCKDEP ||
				(o.command == VT_CMD_SUMMARY && !o.interval_s);

		if (vt_output_open(&out, o.output_path, snapshot, err, sizeof(err))) {
			fprintf(stderr, "vfio-trace: %s\n", err);
			return VT_EXIT_ERROR;
		}
	}
	rc = run(&o);
	/* probes prints its report even when there is nothing to trace. */
	if (o.output_path &&
	    vt_output_close(
		    &out, rc == VT_EXIT_OK || (rc == VT_EXIT_NOTHING && o.command == VT_CMD_PROBES),
		    err, sizeof(err))) {
		fprintf(stderr, "vfio-trace: %s\n", err);
		if (rc == VT_EXIT_OK)
			rc = VT_EXIT_ERROR;
	}
	return rc;
}

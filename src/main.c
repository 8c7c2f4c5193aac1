// SPDX-License-Identifier: GPL-2.0
/* vfio-trace: parse, then hand over to one command. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "commands.h"
#include "signals.h"

#ifndef VT_VERSION
#define VT_VERSION "0.1.0"
#endif

int main(int argc, char **argv)
{
	struct vt_options o;
	char err[256];

	if (vt_cli_parse(argc, argv, &o, err, sizeof(err))) {
		fprintf(stderr, "vfio-trace: %s\n", err);
		return VT_EXIT_USAGE;
	}
	if (o.help) {
		vt_cli_usage(stdout);
		return VT_EXIT_OK;
	}
	if (o.version) {
		printf("vfio-trace %s\n", VT_VERSION);
		return VT_EXIT_OK;
	}
	if (vt_install_signal_handlers()) {
		perror("vfio-trace: sigaction");
		return VT_EXIT_ERROR;
	}
	switch (o.command) {
	case VT_CMD_EVENTS: return vt_cmd_events(&o);
	case VT_CMD_EXPORT: return vt_cmd_export(&o);
	case VT_CMD_PROBES: return vt_cmd_probes(&o);
	case VT_CMD_LOCKDEP: return vt_cmd_lockdep(&o);
	case VT_CMD_SUMMARY:
	default: return vt_cmd_summary(&o);
	}
}

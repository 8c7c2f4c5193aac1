/* SPDX-License-Identifier: GPL-2.0 */
/* The commands: each builds a session plan from the options, runs it, and
 * hands the snapshots to an analysis and a renderer. */
#ifndef VT_COMMANDS_H
#define VT_COMMANDS_H

#include "options.h"
#include "session.h"

int vt_cmd_summary(const struct vt_options *o);
int vt_cmd_events(const struct vt_options *o);
int vt_cmd_export(const struct vt_options *o);
int vt_cmd_probes(const struct vt_options *o);
int vt_cmd_lockdep(const struct vt_options *o);
int vt_cmd_top(const struct vt_options *o);

/* The plan every command starts from: the options' filters, modes, sizes and
 * timing. A command then says what it needs beyond that. */
void vt_plan_from_options(const struct vt_options *o, struct vt_session_plan *plan);

#endif

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lints every golden Prometheus file with promtool, the same checks the
# Prometheus tooling applies (naming, HELP/TYPE, histogram shape). Run from
# anywhere; exits non-zero on the first file promtool rejects or when promtool
# is missing, so a CI without it cannot pass silently.
set -eu

dir=$(dirname "$0")/golden
command -v promtool >/dev/null 2>&1 || { echo "check-prom: promtool not found" >&2; exit 1; }

found=0
for f in "$dir"/*.prom; do
	[ -e "$f" ] || continue
	found=1
	# promtool prints lint findings and exits non-zero on any of them
	if ! out=$(promtool check metrics < "$f" 2>&1) || [ -n "$out" ]; then
		echo "check-prom: $f:" >&2
		echo "$out" >&2
		exit 1
	fi
	echo "check-prom: $f ok"
done
[ "$found" = 1 ] || { echo "check-prom: no golden .prom files in $dir" >&2; exit 1; }

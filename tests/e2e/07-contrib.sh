#!/usr/bin/env bash
# What an operator deploys from contrib/, checked on the host without a VM:
# the systemd units (systemd-analyze verify, and their security exposure, so a
# loosened sandbox fails), the Prometheus rules (promtool check and unit
# tests) and the Grafana dashboard (valid JSON, and every metric its queries
# name is one vfio-trace or node_exporter really writes). 70-prometheus runs
# the rules and the dashboard's queries on a real Prometheus server.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

units=$top/contrib/systemd
rules=$top/contrib/prometheus
dash=$top/contrib/grafana/vfio-trace.json
golden=$top/tests/unit/golden/fixture.prom
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# systemd-analyze security's overall exposure (0.0 best, 10.0 worst) measured
# for each unit with systemd 252; a change that raises it fails here.
declare -A max_exposure=([vfio-trace-exporter]=1.6 [vfio-trace-events]=1.5)

if ! command -v systemd-analyze >/dev/null; then
	skip "systemd units: systemd-analyze not installed (tools/install-deps installs systemd)"
else
	# verify checks that ExecStart's binary exists and is executable, and
	# that Documentation's man page is installed. The units name the
	# installed paths, so verify copies whose ExecStart is the built binary
	# (any executable would do), and --man=no: doc/vfio-trace.8 is installed
	# by make install, not here.
	bin=$top/build/vfio-trace
	[ -x "$bin" ] || bin=/bin/true
	for u in vfio-trace-exporter vfio-trace-events; do
		sed "s|/usr/sbin/vfio-trace|$bin|" "$units/$u.service" > "$tmp/$u.service"
		grep -q "^ExecStart=$bin " "$tmp/$u.service" ||
			not_ok "$u: ExecStart does not run /usr/sbin/vfio-trace"
		out=$(systemd-analyze verify --man=no "$tmp/$u.service" 2>&1)
		rc=$?
		if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
			ok "$u.service: systemd-analyze verify is clean"
		else
			not_ok "$u.service: systemd-analyze verify exited $rc: $(echo "$out" | head -n 3 | tr '\n' ' ')"
		fi
		exposure=$(systemd-analyze security --offline=yes --no-pager "$tmp/$u.service" 2>&1 |
			sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
		if [ -n "$exposure" ] && awk -v e="$exposure" -v m="${max_exposure[$u]}" 'BEGIN { exit !(e <= m) }'; then
			ok "$u.service: systemd-analyze security exposure $exposure (<= ${max_exposure[$u]})"
		else
			not_ok "$u.service: systemd-analyze security exposure '$exposure', want <= ${max_exposure[$u]}"
		fi
	done
	# The capabilities are the contract with src/privileges.c: CAP_SYS_ADMIN
	# for module BTF, nothing that writes outside the textfile directory.
	for u in vfio-trace-exporter vfio-trace-events; do
		check_eq "$u.service: capability bounding set" \
			"$(sed -n 's/^CapabilityBoundingSet=//p' "$units/$u.service")" "CAP_SYS_ADMIN CAP_BPF CAP_PERFMON"
	done
	# The binary, run as the units run it: root with only the bounding set's
	# capabilities and no_new_privs. It must get as far as with full root
	# (the same probe report and exit code), and without CAP_SYS_ADMIN it
	# must stop at the privilege check (exit 1), or the set is not minimal
	# in the way src/privileges.c says.
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$units/vfio-trace-exporter.service" |
		tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
	if [ "$(id -u)" != 0 ] || [ ! -x "$top/build/vfio-trace" ] || ! command -v setpriv >/dev/null; then
		skip "units' capabilities: needs root, setpriv and build/vfio-trace"
	else
		"$top/build/vfio-trace" probes > "$tmp/root.txt" 2>&1
		root_rc=$?
		setpriv --bounding-set "-all,$caps" --inh-caps -all --no-new-privs \
			"$top/build/vfio-trace" probes > "$tmp/unit.txt" 2>&1
		unit_rc=$?
		check_eq "vfio-trace probes with the units' capabilities ($caps): exit code as root's" "$unit_rc" "$root_rc"
		check_cmd "vfio-trace probes with the units' capabilities: the report is root's" \
			cmp "$tmp/root.txt" "$tmp/unit.txt"
		setpriv --bounding-set "-all,${caps//+sys_admin,/}" --inh-caps -all --no-new-privs \
			"$top/build/vfio-trace" probes > "$tmp/nosa.txt" 2>&1
		check_eq "vfio-trace probes without CAP_SYS_ADMIN: exit code" "$?" 1
	fi
	check_eq "exporter: the only writable path is node_exporter's textfile directory" \
		"$(sed -n 's/^ReadWritePaths=//p' "$units/vfio-trace-exporter.service")" /var/lib/prometheus/node-exporter
	check_cmd "exporter: ExecStart writes into the writable path, with --wait" \
		grep -q '^ExecStart=/usr/sbin/vfio-trace export --wait --textfile-dir /var/lib/prometheus/node-exporter ' \
		"$units/vfio-trace-exporter.service"
fi

if ! command -v promtool >/dev/null; then
	not_ok "rules: promtool not installed (tools/install-deps installs prometheus)"
else
	check_cmd "vfio-trace.rules.yml: promtool check rules" promtool check rules "$rules/vfio-trace.rules.yml"
	check_cmd "vfio-trace.rules.yml: promtool test rules (each alert fires and holds)" \
		promtool test rules "$rules/vfio-trace.rules.test.yml"
	# Every alert has a unit test, and a severity and a summary.
	for a in $(sed -n 's/^ *- alert: //p' "$rules/vfio-trace.rules.yml"); do
		if grep -q "alertname: $a\$" "$rules/vfio-trace.rules.test.yml"; then
			ok "alert $a: has a unit test"
		else
			not_ok "alert $a: no unit test in vfio-trace.rules.test.yml"
		fi
	done
	n_alerts=$(grep -c '^ *- alert: ' "$rules/vfio-trace.rules.yml")
	check_eq "every alert has a severity" "$(grep -c '^ *severity: \(critical\|warning\)$' "$rules/vfio-trace.rules.yml")" "$n_alerts"
	check_eq "every alert has a summary" "$(grep -c '^ *summary: ' "$rules/vfio-trace.rules.yml")" "$n_alerts"
	# ... that says what to do, after what happened.
	check_eq "summaries that say what to do" \
		"$(grep -c '^ *summary: ".*: \(run\|check\|find\|see\|for .* raise\) ' "$rules/vfio-trace.rules.yml")" "$n_alerts"
fi

# The dashboard: JSON Grafana imports, and queries built on the contract.
if ! jq -e . "$dash" >/dev/null 2>&1; then
	not_ok "vfio-trace.json: not valid JSON"
else
	ok "vfio-trace.json: valid JSON"
	check_eq "dashboard schemaVersion" "$(jq -r .schemaVersion "$dash")" 39
	check_eq "dashboard template variables" \
		"$(jq -r '[.templating.list[].name] | join(" ")' "$dash")" "DS_PROMETHEUS instance device"
	check_eq "panels on a data source other than \${DS_PROMETHEUS}" \
		"$(jq '[.panels[] | select(.type != "row") | .datasource.uid, .targets[].datasource.uid] | map(select(. != "${DS_PROMETHEUS}")) | length' "$dash")" 0
	check_eq "panels without a query" \
		"$(jq '[.panels[] | select(.type != "row") | select((.targets // []) | length == 0)] | length' "$dash")" 0
	jq -r '.panels[].targets[]?.expr' "$dash" > "$tmp/exprs"
	check_gt "dashboard queries" "$(wc -l < "$tmp/exprs")" 10
	# Metric names: words that start vfio_trace_ or node_, histogram
	# suffixes stripped. Each must be a family in the golden textfile, whose
	# names promtool checks (01-golden-promtool), or node_exporter's textfile
	# mtime (70-prometheus checks that one against the real node_exporter).
	grep -o '\b\(vfio_trace\|node\)_[a-z_]*' "$tmp/exprs" | sed 's/_\(bucket\|sum\|count\)$//' | sort -u > "$tmp/names"
	bad=
	while read -r name; do
		grep -q "^# TYPE $name " "$golden" || [ "$name" = node_textfile_mtime_seconds ] || bad="$bad $name"
	done < "$tmp/names"
	check_eq "dashboard metric names not in vfio-trace's textfile (of $(wc -l < "$tmp/names"))" "${bad:-none}" none
	# And the panels the issue asks for are there, by the metric they show.
	for m in vfio_trace_mmap_faults_total vfio_trace_mmap_fault_duration_seconds_bucket \
		vfio_trace_memory_lock_wait_seconds_bucket vfio_trace_memory_lock_hold_seconds_bucket \
		vfio_trace_memory_lock_contentions_total vfio_trace_bar_zaps_total \
		vfio_trace_disabled_memory_accesses_total vfio_trace_pin_calls_total vfio_trace_pin_errors_total \
		vfio_trace_pin_duration_seconds_bucket vfio_trace_events_lost_total vfio_trace_probe_attached \
		vfio_trace_device_info; do
		check_cmd "dashboard shows $m" grep -q "\\b$m\\b" "$tmp/exprs"
	done
fi
e2e_finish

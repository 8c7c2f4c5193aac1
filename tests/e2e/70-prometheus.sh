#!/usr/bin/env bash
# Prometheus for real: Debian's prometheus-node-exporter serves a textfile
# directory holding vfio-trace's output from a VM run, and Debian's
# prometheus scrapes it every second, with contrib/prometheus's rules loaded.
# Both listen on 127.0.0.1 only, run under timeout, and are killed on every
# way out. Then, through the HTTP API:
#   - the target is up and the values Prometheus holds are the textfile's;
#   - per device, the rates of faults, zaps and disabled-memory accesses are
#     positive, and histogram_quantile(0.99, ...) of the fault, memory_lock
#     wait and hold histograms is the textfile's own p99, inside its bucket;
#   - every rule is healthy, the SIGBUS alert fires on the run's SIGBUSes, and
#     the probe alerts stay quiet on the run's real probe table;
#   - every query of the Grafana dashboard is accepted and returns data.
#
# The textfile is the one the stress scenario of 30-vm-stress wrote on the
# first test kernel (tests/run runs this file after 20 and 30), else
# 20-vm-trace's fentry run; with neither, it skips. VT_PROM_TEXTFILE=FILE
# takes FILE instead.
#
# Rates need two samples of a counter: node_exporter first serves a copy of
# the file with every sample at zero, for a few scrapes, then the real file
# replaces it (renamed over it, as vfio-trace does), so a rate over the last
# minute covers the whole run's counts.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kernel=${VT_TEST_KERNELS%% *}
src=${VT_PROM_TEXTFILE:-}
if [ -z "$src" ]; then
	# The stress run's textfile from while the workload held the device
	# (it names the owner, which the final one, after the workload closed
	# it, no longer does), else the final ones.
	for s in trace-stress/guest/textfile-during.prom trace-stress/guest/vfio_trace.prom \
		trace-fentry/guest/vfio_trace.prom; do
		f=$top/build/e2e/$kernel/$s
		if [ -s "$f" ] && grep -q '^vfio_trace_device_info{' "$f"; then
			src=$f
			break
		fi
	done
fi
if [ -z "$src" ]; then
	skip "prometheus: no vfio_trace.prom from a VM run under build/e2e/$kernel (30-vm-stress or 20-vm-trace writes it; run them first)"
	e2e_finish
fi

for b in prometheus prometheus-node-exporter curl jq python3; do
	if ! command -v "$b" >/dev/null; then
		not_ok "prometheus: $b not installed (tools/install-deps installs it)"
		e2e_finish
	fi
done

rules=$top/contrib/prometheus/vfio-trace.rules.yml
dash=$top/contrib/grafana/vfio-trace.json
tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The run's file, copied: a VM test running at the same time may rewrite it.
cp "$src" "$tmp/real.prom"
echo "prometheus: textfile $src" >&2
textdir=$tmp/textfile
mkdir "$textdir"
# The baseline: the same series, every sample 0 but the gauges'.
awk '/^#/ || /^vfio_trace_(probe_attached|device_info)\{/ { print; next } { $NF = 0; print }' \
	"$tmp/real.prom" > "$textdir/vfio_trace.prom"

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
ne_port=$(free_port)
prom_port=$(free_port)
api=http://127.0.0.1:$prom_port/api/v1

timeout 300 prometheus-node-exporter --web.listen-address="127.0.0.1:$ne_port" \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$textdir" > "$tmp/node-exporter.log" 2>&1 &
pids+=($!)

cat > "$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $rules
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$ne_port']
EOF
timeout 300 prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
	--web.listen-address="127.0.0.1:$prom_port" --log.level=warn > "$tmp/prometheus.log" 2>&1 &
pids+=($!)

# query EXPR: the API's JSON answer (an instant query, now).
query() {
	curl -sS --max-time 10 "$api/query" --data-urlencode "query=$1"
}
# value EXPR: the first sample's value, or "absent".
value() {
	query "$1" | jq -r 'if .status == "success" and (.data.result | length) > 0
		then .data.result[0].value[1] else "absent" end' 2>/dev/null || echo absent
}
# wait_for SECONDS COMMAND...: retries the command every 0.5 s until it succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.5
	done
}

if wait_for 60 curl -sf --max-time 2 "http://127.0.0.1:$prom_port/-/ready"; then
	ok "prometheus: ready on 127.0.0.1:$prom_port"
else
	not_ok "prometheus: not ready within 60 s: $(tail -n 3 "$tmp/prometheus.log" | tr '\n' ' ')"
	e2e_finish
fi
up_three_times() { [ "$(value 'count_over_time(up{job="node"}[1m])')" -ge 3 ] 2>/dev/null; }
if wait_for 30 up_three_times; then
	check_eq "node_exporter target up" "$(value 'up{job="node"}')" 1
else
	not_ok "node_exporter target: not scraped 3 times in 30 s: $(tail -n 3 "$tmp/node-exporter.log" | tr '\n' ' ')"
	e2e_finish
fi

# The real file replaces the baseline, and Prometheus gets it.
cp "$tmp/real.prom" "$textdir/.vfio_trace.prom.new"
mv "$textdir/.vfio_trace.prom.new" "$textdir/vfio_trace.prom"
devices=$(sed -n 's/^vfio_trace_device_info{device="\([^"]*\)".*/\1/p' "$tmp/real.prom")
first=${devices%%$'\n'*}
want_count=$(prom_value "$tmp/real.prom" "vfio_trace_mmap_fault_duration_seconds_count{device=\"$first\"}")
got_real() {
	[ "$(value "vfio_trace_mmap_fault_duration_seconds_count{device=\"$first\"}")" = "$want_count" ]
}
if ! wait_for 30 got_real; then
	not_ok "prometheus: the real textfile's values did not arrive in 30 s (fault count for $first: want $want_count, have $(value "vfio_trace_mmap_fault_duration_seconds_count{device=\"$first\"}"))"
	e2e_finish
fi
sleep 3 # a few scrapes of the real values

for dev in $devices; do
	for reason in config_write reset; do
		check_eq "$dev: vfio_trace_bar_zaps_total{reason=$reason} through Prometheus = the textfile's" \
			"$(value "vfio_trace_bar_zaps_total{device=\"$dev\",reason=\"$reason\"}")" \
			"$(prom_value "$tmp/real.prom" "vfio_trace_bar_zaps_total{device=\"$dev\",reason=\"$reason\"}")"
	done
	check_eq "$dev: vfio_trace_disabled_memory_accesses_total{kind=sigbus} through Prometheus = the textfile's" \
		"$(value "vfio_trace_disabled_memory_accesses_total{device=\"$dev\",kind=\"sigbus\"}")" \
		"$(prom_value "$tmp/real.prom" "vfio_trace_disabled_memory_accesses_total{device=\"$dev\",kind=\"sigbus\"}")"
	check_eq "$dev: vfio_trace_device_info joined in" \
		"$(value "count(sum by (instance, device) (vfio_trace_mmap_faults_total{device=\"$dev\"}) * on (instance, device) group_left (vendor, device_id) vfio_trace_device_info)")" 1
done
check_eq "node_textfile_mtime_seconds names vfio_trace.prom as the stale-textfile rule expects" \
	"$(value 'count(node_textfile_mtime_seconds{file=~"(.*/)?vfio_trace\\.prom"})')" 1
check_eq "node_exporter read the textfile without error" "$(value 'node_textfile_scrape_error')" 0

# Per device: rates of what the run did. Where the textfile counts none, the
# rate must be 0; where it counts some, above 0.
for dev in $devices; do
	for m in vfio_trace_mmap_faults_total vfio_trace_bar_zaps_total vfio_trace_disabled_memory_accesses_total; do
		n=$(prom_sum "$tmp/real.prom" "$m" "device=\"$dev\"")
		r=$(value "sum by (device) (rate($m{device=\"$dev\"}[1m]))")
		if [ "$n" = 0 ]; then
			check_eq "$dev: rate($m) with none in the run" "$r" 0
		else
			check_gt "$dev: rate($m) ($n in the run)" "$r" 0
		fi
	done
done

# textfile_p99 FILE METRIC DEVICE: histogram_quantile(0.99) of the file's
# buckets for the device (all its series summed), the way Prometheus computes
# it, and the bucket's bounds: "p99 lower upper", or "none" for no samples.
textfile_p99() {
	awk -v name="$2_bucket" -v dev="device=\"$3\"" '
		index($1, name "{") == 1 && index($1, dev) {
			le = $1; sub(/.*le="/, "", le); sub(/".*/, "", le)
			if (!(le in c)) les[n++] = le
			c[le] += $2
		}
		END {
			if (!n) { print "none"; exit }
			# the bounds in increasing order, +Inf last
			for (i = 0; i < n; i++) for (j = i + 1; j < n; j++)
				if ((les[j] == "+Inf" ? 1e308 : les[j] + 0) < (les[i] == "+Inf" ? 1e308 : les[i] + 0)) {
					t = les[i]; les[i] = les[j]; les[j] = t
				}
			total = c[les[n - 1]]
			if (total == 0) { print "none"; exit }
			rank = 0.99 * total
			for (b = 0; b < n - 1 && c[les[b]] < rank; b++) ;
			if (b == n - 1) { printf "%.9g %.9g +Inf\n", les[n - 2], les[n - 2]; exit }
			lo = 0; cnt = c[les[b]]
			if (b > 0) { lo = les[b - 1]; cnt -= c[les[b - 1]]; rank -= c[les[b - 1]] }
			printf "%.9g %.9g %.9g\n", lo + (les[b] - lo) * rank / cnt, lo, les[b]
		}' "$1"
}
# The workload bounds them too: no fault, wait or hold it caused lasted longer
# than its whole run (timings_ms.total of the ground truth beside the textfile).
truth=$(dirname "$src")/ground-truth.json
run_s=$(jq -r '.timings_ms.total / 1000' "$truth" 2>/dev/null)
for dev in $devices; do
	for m in vfio_trace_mmap_fault_duration_seconds vfio_trace_memory_lock_wait_seconds \
		vfio_trace_memory_lock_hold_seconds; do
		read -r want lo hi <<< "$(textfile_p99 "$tmp/real.prom" "$m" "$dev")"
		got=$(value "histogram_quantile(0.99, sum by (device, le) (rate(${m}_bucket{device=\"$dev\"}[1m])))")
		if [ "$want" != none ] && [ -n "$run_s" ] && [ "$run_s" != null ]; then
			if awk -v g="$got" -v r="$run_s" 'BEGIN { exit !(g + 0 == g && g > 0 && g <= r) }'; then
				ok "$dev: p99 of $m = $got s, inside the workload's run of $run_s s"
			else
				not_ok "$dev: p99 of $m = '$got' s, not in (0, $run_s], the workload's run"
			fi
		fi
		if [ "$want" = none ]; then
			skip "$dev: p99 of $m: the run has no samples"
		elif awk -v g="$got" -v w="$want" -v lo="$lo" -v hi="$hi" 'BEGIN {
			d = g - w; if (d < 0) d = -d
			exit !(g + 0 == g && g > lo && (hi == "+Inf" || g <= hi) && d <= 1e-6 * w) }'; then
			ok "$dev: histogram_quantile(0.99, rate($m)) = $got, the textfile's p99, in ($lo, $hi]"
		else
			not_ok "$dev: histogram_quantile(0.99, rate($m)) = '$got', want $want in ($lo, $hi]"
		fi
	done
done

# The rules: all loaded and evaluated without error.
n_rules=$(grep -c '^ *- \(alert\|record\): ' "$rules")
rules_evaluated() {
	curl -sS --max-time 5 "$api/rules" |
		jq -e '[.data.groups[].rules[] | select(.health == "unknown")] | length == 0' >/dev/null
}
wait_for 20 rules_evaluated
curl -sS --max-time 5 "$api/rules" > "$tmp/rules.json"
check_eq "rules loaded" "$(jq '[.data.groups[].rules[]] | length' "$tmp/rules.json")" "$n_rules"
check_eq "rules not healthy" \
	"$(jq -r '[.data.groups[].rules[] | select(.health != "ok") | "\(.name): \(.lastError)"] | if length == 0 then "none" else join("; ") end' "$tmp/rules.json")" none
# The alerts on the run's data: the SIGBUS alert has no for:, so it fires on
# the first evaluation that sees the increase; the probe alerts are not even
# pending on a real probe table (unavailable alternatives and the on-demand
# ioeventfd_check are 0 there).
sigbus_devs=$(for dev in $devices; do
	[ "$(prom_value "$tmp/real.prom" "vfio_trace_disabled_memory_accesses_total{device=\"$dev\",kind=\"sigbus\"}")" != 0 ] && echo "$dev"
done | sort | xargs)
firing_sigbus() {
	[ "$(curl -sS --max-time 5 "$api/alerts" | jq -r '[.data.alerts[] | select(.labels.alertname == "VfioTraceDisabledBarSigbus" and .state == "firing") | .labels.device] | sort | join(" ")')" = "$sigbus_devs" ]
}
if [ -z "$sigbus_devs" ]; then
	skip "VfioTraceDisabledBarSigbus: the run had no SIGBUS"
elif wait_for 20 firing_sigbus; then
	ok "VfioTraceDisabledBarSigbus fires for the devices the run's SIGBUSes hit: $sigbus_devs"
else
	not_ok "VfioTraceDisabledBarSigbus: want firing for $sigbus_devs, alerts: $(curl -sS --max-time 5 "$api/alerts" | jq -c '[.data.alerts[] | {a: .labels.alertname, s: .state, d: .labels.device}]')"
fi
check_eq "probe alerts pending or firing on the run's probe table" \
	"$(curl -sS --max-time 5 "$api/alerts" | jq -r '[.data.alerts[] | select(.labels.alertname | test("Probe")) | "\(.labels.alertname) \(.labels.operation)"] | if length == 0 then "none" else join(", ") end')" none
check_eq "VfioTraceTextfileStale on a fresh textfile" \
	"$(curl -sS --max-time 5 "$api/alerts" | jq '[.data.alerts[] | select(.labels.alertname == "VfioTraceTextfileStale")] | length')" 0

# The dashboard: every query, with the variables at "All" and Grafana's
# $__rate_interval at 1m, is accepted and returns data.
jq -r '.panels[] | select(.type != "row") | .title as $t | .targets[] | "\($t)\t\(.expr)"' "$dash" > "$tmp/exprs"
n=0
while IFS=$'\t' read -r title expr; do
	n=$((n + 1))
	q=${expr//\$instance/.*}
	q=${q//\$device/.*}
	q=${q//\$__rate_interval/1m}
	ans=$(query "$q")
	st=$(jq -r '.status' <<< "$ans" 2>/dev/null)
	len=$(jq -r '.data.result | length' <<< "$ans" 2>/dev/null)
	if [ "$st" = success ] && [ "${len:-0}" -gt 0 ]; then
		ok "dashboard \"$title\" query $n: accepted, $len series"
	else
		not_ok "dashboard \"$title\" query $n: status '$st', ${len:-no} series: $(jq -r '.error // empty' <<< "$ans" 2>/dev/null) ($q)"
	fi
done < "$tmp/exprs"
check_gt "dashboard queries run" "$n" 10

# The picture of the dashboard's data (Grafana is not in Debian): each
# panel's series as bars, from the same server. README shows one.
svg=$top/build/e2e/prometheus/vfio-trace-dashboard.svg
mkdir -p "$(dirname "$svg")"
if "$top/tools/plot-dashboard" "http://127.0.0.1:$prom_port" "$dash" "$svg" 1m \
	"vfio-trace dashboard through Prometheus: ${src#"$top"/build/e2e/} (rates: its counts over 1 min)" 2> "$tmp/plot.err" &&
	python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$svg"; then
	missing=$(jq -r '.panels[] | select(.type != "row") | .title' "$dash" |
		while IFS= read -r t; do grep -qF ">$t<" "$svg" || echo "$t"; done | xargs)
	check_eq "tools/plot-dashboard: panels missing from $svg" "${missing:-none}" none
else
	not_ok "tools/plot-dashboard: $(tr '\n' ' ' < "$tmp/plot.err")"
fi
e2e_finish

#!/bin/sh
# shellcheck shell=dash
# Scenario: a soak. vfio-trace export runs while, round after round, one
# stress workload per device runs at the same time (run-vm --edus N), and
# after each round one device is unbound and bound again (churn: its instance
# is freed and a new one learned). Every SAMPLE seconds the exporter's RSS,
# open fds and every BPF map's entry count (vt-bpf-progs --maps) go to
# $VT_OUT/soak.txt, one line each; the host judges the trend
# (tools/soak-report, tests/e2e/36-vm-soak.sh, make soak).
#
# Usage: soak.sh SECONDS [SAMPLE_SECONDS]   (default 180 and 20)
. /lib/vt/lib.sh
vt_require_vfio

dur=${1:-180}
every=${2:-20}
ndev=0
for b in $VT_BDFS; do ndev=$((ndev + 1)); done
vt_log "soak: ${dur}s, a sample every ${every}s, $ndev devices: $VT_BDFS"

now_s() { cut -d. -f1 /proc/uptime; }

prom_dir=/tmp/textfile
mkdir -p "$prom_dir"
vfio-trace export --textfile-dir "$prom_dir" --interval 1 2> "$VT_OUT/export.err" &
export_pid=$!
vt_wait_for export "$VT_OUT/export.err" "Hit Ctrl-C"

start=$(now_s)
# The exporter's open fds: the least of five reads over 1.2 s, more than its
# 1 s interval. Each interval it holds a few for a moment (the owner scan's
# /proc directories, the textfile being written), so one read may land on
# them: the CI run of stop 19 saw 85 + 2 at its last sample, right after a
# round. A leaked fd is open in every read. The list of the first steady
# sample and of the last go to fds-first.txt and fds-last.txt, to name a leak.
fds_now() {
	local i=0 n min=
	while [ $i -lt 5 ]; do
		n=$(ls "/proc/$export_pid/fd" | wc -l)
		if [ -z "$min" ] || [ "$n" -lt "$min" ]; then min=$n; fi
		i=$((i + 1))
		[ $i -lt 5 ] && sleep 0.3
	done
	echo "$min"
}
fd_list() {
	ls -l "/proc/$export_pid/fd" | awk 'NF > 2 { print $(NF - 2), $NF }' | sort -n > "$1"
}

nsamples=0
# One line: seconds, RSS in KiB, open fds, then NAME=ENTRIES for each map
# that has entries to walk (maps of one name added up).
sample() {
	local t rss fds maps
	t=$(($(now_s) - start))
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$export_pid/status")
	fds=$(fds_now)
	nsamples=$((nsamples + 1))
	[ $nsamples = 2 ] && fd_list "$VT_OUT/fds-first.txt"
	fd_list "$VT_OUT/fds-last.txt"
	maps=$(vt-bpf-progs --maps | awk '$5 ~ /^[0-9]+$/ { n[$3] += $5 }
		END { for (k in n) printf " %s=%d", k, n[k] }')
	echo "t=$t rss_kib=$rss fds=$fds$maps" >> "$VT_OUT/soak.txt"
}

# Unbind a device and bind it again: vfio frees its instance, the next use
# learns a new one in the same slot.
churn() {
	local b=$1 dev=/sys/bus/pci/devices/$1 group
	echo "$b" > /sys/bus/pci/drivers/vfio-pci/unbind || return 1
	echo "$b" > /sys/bus/pci/drivers_probe || return 1
	group=/dev/vfio/$(basename "$(readlink "$dev/iommu_group")")
	i=0
	while [ ! -e "$group" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -e "$group" ]
}

sample
last=$start
rounds=0
failed=0
churned=0
while [ $(($(now_s) - start)) -lt "$dur" ]; do
	rounds=$((rounds + 1))
	pids=
	for b in $VT_BDFS; do
		vfio-workload --quiet --bdf "$b" --stress 2 --threads 2 --reset-ms 300 \
			--json "/tmp/truth-$b.json" 2>> "$VT_OUT/workload.err" &
		pids="$pids $!"
	done
	for p in $pids; do wait "$p" || failed=$((failed + 1)); done
	n=0
	for b in $VT_BDFS; do
		n=$((n + 1))
		if [ $((rounds % ndev + 1)) = $n ]; then
			churn "$b" && churned=$((churned + 1))
		fi
	done
	if [ $(($(now_s) - last)) -ge "$every" ]; then
		sample
		last=$(now_s)
	fi
done
sample
vt_log "soak: $rounds rounds, $churned devices unbound and bound again"
echo "rounds=$rounds churned=$churned" > "$VT_OUT/soak-rounds.txt"
vt_check_eq "workloads that failed" "$failed" 0
vt_check_eq "devices unbound and bound again" "$churned" "$rounds"
kill -TERM "$export_pid"
wait "$export_pid"
vt_check_eq "exporter exit status" "$?" 0
vt_finish

# shellcheck shell=bash
# Helpers for host-side end-to-end tests. Each check prints one line that
# tests/run counts: "ok - NAME", "not ok - NAME: why" or "skip - NAME: why".

E2E_FAILED=0
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; E2E_FAILED=1; }
skip() { echo "skip - $*"; }

# check_eq NAME GOT WANT. Nothing at all (a missing file, an absent series)
# never equals anything.
check_eq() {
	if [ -z "$2" ] || [ "$2" = absent ]; then
		not_ok "$1: got nothing, want '$3'"
	elif [ "$2" = "$3" ]; then
		ok "$1 = $2"
	else
		not_ok "$1: got '$2', want '$3'"
	fi
}

# check_gt NAME GOT MIN: GOT > MIN, integers or decimals.
check_gt() {
	if awk -v g="$2" -v m="$3" 'BEGIN { exit !(g + 0 == g && g > m) }' </dev/null 2>/dev/null &&
		[ -n "$2" ]; then
		ok "$1 = $2 (> $3)"
	else
		not_ok "$1: got '$2', want > $3"
	fi
}

# check_between NAME GOT LO HI: LO <= GOT <= HI, integers.
check_between() {
	if [ -n "$2" ] && [ "$2" -ge "$3" ] 2>/dev/null && [ "$2" -le "$4" ]; then
		ok "$1 = $2 (in $3..$4)"
	else
		not_ok "$1: got '$2', want $3..$4"
	fi
}

# check_accounted NAME COUNTED TRUTH MISSED: the count is exact, or short by no
# more than the probe runs the kernel reported skipping (PREEMPT_RT preempts
# BPF programs, and the kernel skips a program already running on that CPU).
check_accounted() {
	if [ -z "$2" ] || [ "$2" = absent ] || [ -z "$3" ]; then
		not_ok "$1: got '$2', want '$3': a value is missing"
	elif [ "$2" = "$3" ]; then
		ok "$1 = $2"
	elif [ "$2" -lt "$3" ] 2>/dev/null && [ $(($3 - $2)) -le "${4:-0}" ]; then
		ok "$1 = $2 of $3, the $(($3 - $2)) missing among the $4 runs reported as missed"
	else
		not_ok "$1: got '$2', want '$3' (missed runs reported: ${4:-0})"
	fi
}

# check_cmd NAME COMMAND...: passes when the command succeeds.
check_cmd() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name: $(echo "$out" | tail -n 3 | tr '\n' ' ')"; fi
}

# prom_value FILE 'name{labels}': the sample's value, or "absent". Labels must
# be written exactly as vfio-trace writes them, in its order.
prom_value() {
	awk -v want="$2" '$1 == want { print $2; found = 1; exit } END { if (!found) print "absent" }' "$1"
}

# prom_sum FILE NAME LABEL-SUBSTRING: sum of every sample of NAME whose labels
# contain the substring.
prom_sum() {
	awk -v name="$2" -v sub_="$3" '
		index($1, name "{") == 1 && index($1, sub_) { s += $2; n++ }
		END { if (n) printf "%d\n", s; else print "absent" }' "$1"
}

# The kernels every VM scenario runs on (tests/vm/fetch-kernel names). Those
# that need ../shared/kernels skip, with the reason, where it is absent.
VT_TEST_KERNELS=${VT_TEST_KERNELS:-debian-6.1 debian-6.1-rt lockdep-6.12 vt-5.15 vt-6.18}

# The kernels on which the stress, ioeventfd and robustness scenarios run a
# second time in --kprobes mode (the trace scenario runs both modes on every
# kernel): the two kernel lines whose probes differ most from 6.1's, 5.15
# (the rwsem slow paths instead of the contention tracepoints) and the newest
# LTS. Only those of VT_TEST_KERNELS.
VT_KPROBES_KERNELS=${VT_KPROBES_KERNELS-vt-5.15 vt-6.18}
kprobes_kernels() {
	local k
	for k in $VT_KPROBES_KERNELS; do
		case " $VT_TEST_KERNELS " in *" $k "*) echo "$k" ;; esac
	done
}

# run_vm NAME OUTDIR ARGS...: boots a scenario. Returns 0 when it ran, 77 when
# the kernel is not available here (a skip line says why), 1 on failure.
run_vm() {
	local name=$1 out=$2 rc=0
	shift 2
	mkdir -p "$(dirname "$out")"
	"$top/tests/vm/run-vm" --out "$out" "$@" > "$out.log" 2>&1 || rc=$?
	case $rc in
	0) ok "$name: the guest ran the scenario"; return 0 ;;
	77) skip "$name: $(grep -m1 -iE 'skip|not available|absent|missing' "$out.log" || echo 'kernel not available')"; return 77 ;;
	*) not_ok "$name: run-vm exited $rc: $(tail -n 5 "$out.log" | tr '\n' ' ')"; return 1 ;;
	esac
}

# run_guest_scenarios SCENARIO...: boots each scenario on every test kernel and
# reports the checks it ran in the guest; a kernel that is not available here
# skips the rest of its scenarios. VT_VM_OPTS: run-vm options for each boot
# (the test bed's hardware: --e1000e, --edu-pair).
run_guest_scenarios() {
	local kernel scenario out
	for kernel in $VT_TEST_KERNELS; do
		for scenario in "$@"; do
			out=$top/build/e2e/$kernel/${scenario// /-}
			# shellcheck disable=SC2086 # options; a scenario and its arguments
			run_vm "$kernel $scenario: boot" "$out" --kernel "$kernel" ${VT_VM_OPTS-} $scenario
			case $? in
			0|1) guest_checks "$kernel $scenario" "$out.log" ;;
			77) break ;;
			esac
		done
	done
}

# build_fixtures KERNEL LABEL LOG [MODULE]: the test bed's fixture modules
# built for KERNEL (tests/modules/build, its output in LOG). Reports
# "LABEL: MODULE.ko built ..." and returns 0, or reports a skip with the
# reason (not a Debian kernel, no headers to be had) and returns 77, or a
# failure and returns 1.
build_fixtures() {
	local kernel=$1 label=$2 log=$3 module=${4-} rc=0
	"$top/tests/modules/build" "$kernel" >"$log" 2>&1 || rc=$?
	case $rc in
	0)
		[ -z "$module" ] ||
			ok "$label: $module.ko built against linux-headers-$(cat "$top/.cache/kernels/$kernel/release") without a warning"
		;;
	77) skip "$label: the fixture modules cannot be built here ($(sed -n 's/^modules\/build: SKIP: //p' "$log" | tail -n 1))" ;;
	*)
		not_ok "$label: tests/modules/build exited $rc: $(tail -n 3 "$log" | tr '\n' ' ')"
		rc=1
		;;
	esac
	return "$rc"
}

e2e_finish() {
	exit "$E2E_FAILED"
}

# guest_checks PREFIX LOG: turns a scenario's "PASS: x"/"FAIL: x" lines (from
# the guest's lib.sh) into this runner's lines. When run-vm ran the scenario
# again (the emulator failed it: "retrying the scenario once"), only the last
# run's lines count.
guest_checks() {
	local prefix=$1 line n=0 from
	from=$(grep -n 'retrying the scenario once' "$2" | tail -n 1 | cut -d: -f1)
	while IFS= read -r line; do
		case $line in
		"PASS: "*) ok "$prefix: ${line#PASS: }"; n=$((n + 1)) ;;
		"FAIL: "*) not_ok "$prefix: ${line#FAIL: }"; n=$((n + 1)) ;;
		"NOT CHECKED: "*) skip "$prefix: ${line#NOT CHECKED: }" ;;
		esac
	done < <(tail -n +"$((${from:-0} + 1))" "$2")
	[ "$n" -gt 0 ] || not_ok "$prefix: the scenario reported no check"
}

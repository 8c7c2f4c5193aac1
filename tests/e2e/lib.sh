# shellcheck shell=bash
# Helpers for host-side end-to-end tests. Each check prints one line that
# tests/run counts: "ok - NAME", "not ok - NAME: why" or "skip - NAME: why".

E2E_FAILED=0
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; E2E_FAILED=1; }
skip() { echo "skip - $*"; }

# check_eq NAME GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1 = $2"; else not_ok "$1: got '$2', want '$3'"; fi
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

# run_vm NAME OUTDIR ARGS...: boots a scenario; SKIPs the whole test (exit 77)
# when the kernel is not available here.
run_vm() {
	local name=$1 out=$2 rc=0
	shift 2
	"$top/tests/vm/run-vm" --out "$out" "$@" > "$out.log" 2>&1 || rc=$?
	case $rc in
	0) ok "$name: the guest ran the scenario" ;;
	77) skip "$name: $(grep -m1 -iE 'skip|not available|absent' "$out.log" || echo 'kernel not available')"; exit 0 ;;
	*) not_ok "$name: run-vm exited $rc: $(tail -n 5 "$out.log" | tr '\n' ' ')"; return 1 ;;
	esac
}

e2e_finish() {
	exit "$E2E_FAILED"
}

# guest_checks PREFIX LOG: turns a scenario's "PASS: x"/"FAIL: x" lines (from
# the guest's lib.sh) into this runner's lines.
guest_checks() {
	local prefix=$1 line n=0
	while IFS= read -r line; do
		case $line in
		"PASS: "*) ok "$prefix: ${line#PASS: }"; n=$((n + 1)) ;;
		"FAIL: "*) not_ok "$prefix: ${line#FAIL: }"; n=$((n + 1)) ;;
		esac
	done < "$2"
	[ "$n" -gt 0 ] || not_ok "$prefix: the scenario reported no check"
}

#!/bin/sh
# shellcheck shell=dash
# Scenario: `vfio-trace top` on a terminal, driven through the guest's tmux
# (tests/vm/pack-tmux, through run-vm's VT_EXTRA_INITRD) as a user would:
# its rows appear for two devices (run-vm --edus 2) while a stress workload
# runs on the second and the basic one on the first; d, f and r change the
# order on the screen; q ends it with the terminal as it was. Each screen
# read goes to $VT_OUT/screen-*.txt. Skips without tmux.
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh
. /lib/vt/lib.sh
vt_require_vfio
vt_require_tmux

vt_first_last_bdf
quiet=$VT_FIRST_BDF
busy=$VT_LAST_BDF

pane() { vt_tmux display-message -p -t top "$1"; }
# screen NAME: the pane's screen, kept as $VT_OUT/screen-NAME.txt.
screen() {
	vt_tmux capture-pane -p -t top > "$VT_OUT/screen-$1.txt"
	echo "screen $1:"
	sed '/^ *$/d; s/^/  | /' "$VT_OUT/screen-$1.txt"
}
# The first device row under the header.
first_row() {
	vt_tmux capture-pane -p -t top | awk '/^DEVICE / { getline; print $1; exit }'
}
# wait_order TITLE BDF: until the title says TITLE (a regular expression) and
# BDF is the first row, at most 30 s of the guest's clock; 1 if never.
# shellcheck disable=SC2317 # called through vt_check
wait_order() {
	local end=$(($(vt_uptime) + 30))
	until vt_tmux capture-pane -p -t top | grep -Eq "$1" && [ "$(first_row)" = "$2" ]; do
		[ "$(vt_uptime)" -lt $end ] || return 1
		sleep 0.3
	done
}

# remain-on-exit keeps the pane after top has ended, to be looked at. The
# shell around it keeps the terminal's settings from before and after it.
vt_check "tmux runs vfio-trace top in a 130x30 session" \
	vt_tmux set-option -g remain-on-exit on \; \
	new-session -d -s top -x 130 -y 30 \
	"stty -g >/tmp/stty.before; vfio-trace top --sort zaps 0.5 2>$VT_OUT/top-tty.err; echo \$? >$VT_OUT/top-tty.rc; stty -g >/tmp/stty.after"
vt_check "top draws its header" vt_tmux_wait_screen top '^DEVICE +VM/OWNER +FAULT/s' 240
vt_check_eq "alternate screen on" "$(pane '#{alternate_on}')" 1
vt_check "the keys line" vt_tmux_wait_screen top '^keys: q quit ' 5

# A device is learned when it is used: the basic workload on the quiet one,
# then a stress run on the busy one, long enough for the keys to be pressed
# while it faults.
vfio-workload --quiet --bdf "$quiet" --name vmquiet --json "$VT_OUT/truth-quiet.json" \
	2> "$VT_OUT/quiet.err"
vt_check_eq "basic workload exit status" "$?" 0
vfio-workload --quiet --bdf "$busy" --name vmbusy --stress 40 --threads 2 \
	--json "$VT_OUT/truth-busy.json" 2> "$VT_OUT/busy.err" &
busy_pid=$!
vt_check "the busy device's row names its VM" vt_tmux_wait_screen top "^$busy +vmbusy " 60
vt_check "the quiet device has a row" vt_tmux_wait_screen top "^$quiet " 10
screen running
# Each key redraws at once; the next frames keep the order. Each one changes
# what is on the screen: from --sort zaps to faults (the busy device first),
# to devices (the quiet one first), reversed (the busy one first).
vt_check "--sort zaps: the title says so" vt_tmux_wait_screen top 'sorted by zaps \(z\)' 5
vt_tmux send-keys -t top f
vt_check "f: sorted by faults, $busy first" wait_order 'sorted by faults \(f\)  ' "$busy"
screen by-faults
vt_tmux send-keys -t top d
vt_check "d: sorted by device, $quiet first" wait_order 'sorted by device \(d\)  ' "$quiet"
screen by-device
vt_tmux send-keys -t top r
vt_check "r: reversed, $busy first" wait_order 'sorted by device \(d\) reversed' "$busy"
screen reversed
vt_tmux send-keys -t top q
vt_check "q: top exits" vt_tmux_wait_exit top 60
screen after
vt_check_eq "q: exit status of vfio-trace top" "$(cat "$VT_OUT/top-tty.rc" 2>/dev/null)" 0
vt_check_eq "q: alternate screen off" "$(pane '#{alternate_on}')" 0
# absent [-v] PATTERN FILE: no line of FILE matches (with -v: every line does).
# shellcheck disable=SC2317 # called through vt_check
absent() {
	if [ "$1" = -v ]; then
		! grep -Evq "$2" "$3"
	else
		! grep -Eq "$1" "$2"
	fi
}
vt_check "q: top's screen is gone" absent '^DEVICE +VM/OWNER' "$VT_OUT/screen-after.txt"
vt_check "q: the terminal's settings are restored" cmp -s /tmp/stty.before /tmp/stty.after
# Before the screen is taken, a note on which modules fentry pins; no error.
vt_check "q: no error on stderr" absent -v '^vfio-trace: note: ' "$VT_OUT/top-tty.err"
# The stress run is not waited for: its exit status is checked in
# trace-top; here it only has to be busy while the keys are pressed.
kill "$busy_pid" 2>/dev/null
wait "$busy_pid" 2>/dev/null
vt_finish

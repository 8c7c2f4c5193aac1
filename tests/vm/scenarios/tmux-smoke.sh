#!/bin/sh
# shellcheck shell=dash
# Scenario: the guest's tmux (tests/vm/pack-tmux, through run-vm's
# VT_EXTRA_INITRD) drives a small full-screen program the way a user would,
# as a test of a live view (vfio-trace top) will: the program takes the
# alternate screen, redraws a counter every 0.5 s and reads single keys in
# raw mode; `q` gives the screen and the terminal back. Skips without tmux.
# Each screen read goes to $VT_OUT/screen-*.txt.
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh
. /lib/vt/lib.sh
vt_require_tmux

marker="vt-tmux-smoke: full screen"
prog=/tmp/fullscreen.sh
# The program. VMIN 0 and VTIME 5 (tenths) make each one-byte read return
# after 0.5 s without a key, which is the redraw tick; -icanon hands a key over
# without Enter, -echo keeps it off the screen. Output is untouched (\n still
# ends a line).
cat >"$prog" <<'EOF'
#!/bin/sh
marker=$1
saved=$(stty -g) || exit 1
leave() {
	printf '\033[?1049l'
	stty "$saved"
}
trap 'leave; exit 130' INT TERM HUP
stty -icanon -echo min 0 time 5
printf '\033[?1049h\033[H\033[2J'
n=0
key=-
while :; do
	printf '\033[H%s\033[K\ncount %d\033[K\nkey %s\033[K\n' "$marker" "$n" "$key"
	c=$(dd bs=1 count=1 2>/dev/null)
	case $c in
	q) break ;;
	?) key=$c ;;
	esac
	n=$((n + 1))
done
leave
EOF

# screen NAME: the pane's visible screen, kept as $VT_OUT/screen-NAME.txt and
# shown without its empty lines.
screen() {
	vt_tmux capture-pane -p -t smoke >"$VT_OUT/screen-$1.txt"
	echo "screen $1:"
	sed '/^ *$/d; s/^/  | /' "$VT_OUT/screen-$1.txt"
}
count_on() { sed -n 's/^count \([0-9][0-9]*\)$/\1/p' "$VT_OUT/screen-$1.txt"; }
pane() { vt_tmux display-message -p -t smoke "$1"; }
# shellcheck disable=SC2317 # called through vt_check
absent() { ! grep -Eq "$1" "$2"; }

# remain-on-exit keeps the pane once its command has exited, to be looked at:
# #{pane_dead}, its exit status, and what is left on its screen. Set before
# the session is made, so the program cannot exit first. The shell around the
# program keeps the terminal's settings from before and after it, to compare,
# and the environment a program in a pane gets.
vt_check "tmux starts a detached 100x30 session" \
	vt_tmux set-option -g remain-on-exit on \; \
	new-session -d -s smoke -x 100 -y 30 \
	"env >/tmp/pane.env; stty -g >/tmp/stty.before; sh $prog '$marker'; stty -g >/tmp/stty.after"
vt_tmux has-session -t smoke 2>/dev/null || vt_die "no tmux session: nothing else can be checked"
vt_check_eq "pane size" "$(pane '#{pane_width}x#{pane_height}')" 100x30

vt_check "the marker is on the screen" vt_tmux_wait_screen smoke "^$marker\$"
cp /tmp/pane.env "$VT_OUT/"
vt_check "pane TERM=tmux-256color" grep -qx TERM=tmux-256color /tmp/pane.env
vt_check "pane TERMINFO has tmux-256color" \
	test -f "$(sed -n 's/^TERMINFO=//p' /tmp/pane.env)/t/tmux-256color"
vt_check "tmux's library path is not the pane's" absent ^LD_LIBRARY_PATH= /tmp/pane.env
vt_check_eq "alternate screen on" "$(pane '#{alternate_on}')" 1
screen first
first=$(count_on first)
sleep 2
screen second
second=$(count_on second)
vt_check_ge "counter on the first screen" "$first" 0
vt_check_ge "counter advances in 2 s (from ${first:-none})" "$second" $((${first:-0} + 1))

# One key, no Enter: only a terminal in raw mode hands it over.
vt_tmux send-keys -t smoke x
vt_check "a single key is read without Enter" vt_tmux_wait_screen smoke '^key x$' 10
screen key

vt_tmux send-keys -t smoke q
vt_check "q: the program exits" vt_tmux_wait_exit smoke
pane 'dead #{pane_dead} status #{pane_dead_status} signal #{pane_dead_signal}' >"$VT_OUT/pane-exit.txt"
screen after
vt_check_eq "q: the program has exited (pane dead)" "$(pane '#{pane_dead}')" 1
vt_check_eq "q: exit status" "$(pane '#{pane_dead_status}')" 0
vt_check_eq "q: alternate screen off" "$(pane '#{alternate_on}')" 0
vt_check "q: the program's screen is gone" absent "^($marker|count |key )" "$VT_OUT/screen-after.txt"
vt_check "q: the terminal's settings are restored" cmp /tmp/stty.before /tmp/stty.after
cp /tmp/stty.before /tmp/stty.after "$VT_OUT/" 2>/dev/null

vt_tmux kill-server
vt_finish

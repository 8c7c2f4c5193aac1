#!/bin/sh
# shellcheck shell=dash
# Real kernel log records for the kmsg_report fixtures: lockdep's list of
# the locks every task holds (SysRq d) and the blocked tasks (SysRq w), as
# /dev/kmsg records (/out/kmsg.raw) and as dmesg text (/out/dmesg.txt).
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh
. /lib/vt/lib.sh

[ "$VT_SETUP_OK" = 1 ] || vt_fail "init setup: $VT_SETUP_ERRORS"
# /dev/kmsg gives one record per read from where it is opened: cat keeps
# reading until it is killed.
cat /dev/kmsg >/out/kmsg.raw &
reader=$!
# A task asleep in a tty read holds the tty's read mutex: a sleeping lock in
# the list.
cat /dev/ttyS0 >/dev/null &
tty_reader=$!
sleep 1
echo d >/proc/sysrq-trigger
echo w >/proc/sysrq-trigger
sleep 2
kill "$reader" "$tty_reader"
dmesg >/out/dmesg.txt
vt_check "records captured" test -s /out/kmsg.raw
vt_finish

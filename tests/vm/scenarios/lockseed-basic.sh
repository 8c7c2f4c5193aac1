#!/bin/sh
# shellcheck shell=dash
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh
# The vt_lockseed fixture (tests/modules/vt_lockseed): its own mutex, then a
# file's i_mmap_rwsem for writing, then a GFP_KERNEL allocation, on demand.
# Checks it against its ground truth, the last phase under real memory
# pressure, so that reclaim walks file pages and their mappings while the
# trigger holds one:
#   1. insmod; lock_addr is what /proc/kallsyms says of vt_lockseed_lock
#   2. BASIC triggers on /bin/busybox give count BASIC; a missing file, an
#      empty path are refused and not counted, and leave the locks free
#   3. ext2 on a RAM disk (brd) with a data file of DATA_MB MiB and another of
#      STREAM_MB; tmpfs filled until about LEFT_MB MiB are left; vt-mmap-read
#      maps the data file and touches its pages, pass after pass, and cat
#      reads the other one in a loop. PRESSURE triggers on the data file,
#      spread over the window, while /proc/vmstat must show reclaim (pgscan by
#      kswapd or direct, pgsteal_file) and no OOM kill, and kprobe histograms
#      must show reclaim walking the file's reverse map (folio_referenced > 0),
#      unmapping its pages (try_to_unmap) and finding its i_mmap_rwsem held
#      by a trigger (folio_referenced -1)
#      Meanwhile `vfio-trace lockdep --lock vt_lockseed_lock` runs twice:
#      over the same pressure and the triggers' allocations without their
#      locks (the fixture's alloc file: control.json),
#      and over the triggers (lockdep.json, lockdep.dot). Each attaches and
#      detaches while the readers are stopped (see the oops note below).
#   4. rmmod, insmod again (count 0, one trigger counts 1), rmmod
#   5. no warning, BUG, oops, OOM or stall in dmesg; no W/D/L/M/B taint
#      The ground truth of the other half of the cycle: reclaim waiting for an
#      i_mmap_rwsem (lock:contention_begin with rmap_walk_file, under kswapd
#      or direct reclaim, in a tracefs histogram of stacks). It waits only
#      when a trigger took the lock between reclaim's two walks of one page
#      (see the fixture's repeat file), a race whose odds fall with the
#      host's load: 100 single triggers lost it in 2 of 4 CI runs. So each
#      trigger runs its sequence REPEAT times, and rounds of PRESSURE
#      triggers go on, up to ROUNDS, until reclaim has waited at least once.
# Usage: lockseed-basic [BASIC [PRESSURE [REPEAT [ROUNDS]]]]
#        (defaults 10, 100, 10, 4)
# Writes: control.json, lockdep.json, lockdep.dot, lock_addr.txt, kallsyms.txt, meminfo-*.txt, vmstat-{before,after}.txt,
# folio_referenced.hist, try_to_unmap.hist, contention_begin.hist,
# reclaim.txt ("counter delta" per line, the histograms' sums last, with
# reclaim_i_mmap_waits and trigger_rounds), reader.txt, dmesg.txt.
# Meant for about 320 MiB of guest memory (run-vm --mem 320M): with the
# default 1 GiB it works too, but filling the memory takes longer under TCG.
. /lib/vt/lib.sh

BASIC=${1:-10}
PRESSURE=${2:-100}
REPEAT=${3:-10}
ROUNDS=${4:-4}
RD_MB=96     # the RAM disk: its pages are kernel memory, written once
DATA_MB=48   # the file vt-mmap-read streams through its mapping
STREAM_MB=32 # the file cat streams through read(2)
LEFT_MB=48   # what the tmpfs hog leaves for the page cache
D=$VT_LOCKSEED

[ -f "$VT_EXTRA_MODULES/vt_lockseed.ko" ] ||
	vt_skip "no vt_lockseed.ko in the guest (tests/modules/build $VT_KERNEL makes it)"

trigger() { echo "$1" >"$D/trigger"; }
# shellcheck disable=SC2317 # called through vt_check
refused() { ! trigger "$1" 2>/dev/null; }
count() { cat "$D/count"; }
vmstat_get() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

# --- 1. load, lock address ---------------------------------------------------
vt_check "insmod vt_lockseed, its debugfs files there" vt_lockseed_load
[ -w "$D/trigger" ] || vt_die "no $D/trigger: nothing else can be checked"
addr=$(cat "$D/lock_addr")
grep '\[vt_lockseed\]' /proc/kallsyms >"$VT_OUT/kallsyms.txt"
sym=$(awk '$3 == "vt_lockseed_lock" && $4 == "[vt_lockseed]" { print $1 }' "$VT_OUT/kallsyms.txt")
echo "$addr" >"$VT_OUT/lock_addr.txt"
vt_check_eq "lock_addr = /proc/kallsyms vt_lockseed_lock" "$addr" "$sym"
vt_check "the lock address is not hidden (kptr_restrict)" test "${addr:-0}" != 0000000000000000
vt_check_eq "count after insmod" "$(count)" 0

# --- 2. triggers on /bin/busybox, and refused ones ---------------------------
failed=0 i=0
while [ $i -lt "$BASIC" ]; do
	trigger /bin/busybox || failed=$((failed + 1))
	i=$((i + 1))
done
vt_check_eq "failed triggers on /bin/busybox" "$failed" 0
vt_check_eq "count after $BASIC triggers" "$(count)" "$BASIC"
vt_check "a missing file is refused" refused /no/such/file
vt_check "an empty path is refused" refused ""
vt_check_eq "count after the refused triggers" "$(count)" "$BASIC"
# A lock left held by an error path would hang this write (and the scenario).
vt_check "a trigger after the refused ones" trigger /bin/busybox
want=$((BASIC + 1))
vt_check_eq "count after it" "$(count)" "$want"

# --- 3. under memory pressure ------------------------------------------------
T=/sys/kernel/tracing
# hist_start NAME PROBE KEY: the kprobe event vt_lockseed/NAME, counted by KEY
# in a tracefs histogram.
hist_start() {
	echo "$2" >>$T/kprobe_events &&
		echo "hist:keys=$3" >"$T/events/vt_lockseed/$1/trigger" &&
		echo 1 >"$T/events/vt_lockseed/$1/enable"
}
# hist_stop NAME KEY: the histogram saved to $VT_OUT/NAME.hist, and removed.
hist_stop() {
	local e=$T/events/vt_lockseed/$1
	[ -e "$e/hist" ] || return 0
	echo 0 >"$e/enable"
	cat "$e/hist" >"$VT_OUT/$1.hist"
	echo "!hist:keys=$2" >"$e/trigger"
	echo "-:vt_lockseed/$1" >>$T/kprobe_events
}
# The lock:contention_begin tracepoint, counted by kernel stack.
waits_start() {
	echo 'hist:keys=stacktrace' >$T/events/lock/contention_begin/trigger &&
		echo 1 >$T/events/lock/contention_begin/enable
}
waits_stop() {
	local e=$T/events/lock/contention_begin
	[ -e "$e/hist" ] || return 0
	echo 0 >"$e/enable"
	cat "$e/hist" >"$VT_OUT/contention_begin.hist"
	echo '!hist:keys=stacktrace' >"$e/trigger"
}
# reclaim_waits [FILE]: the waits for an i_mmap_rwsem (rmap_walk_file) in
# kswapd or direct reclaim, so far (the live histogram) or in FILE. A row is
# "{ stacktrace:", a frame a line, "} hitcount: N".
reclaim_waits() {
	awk '/^\{ stacktrace:/ { s = "" } { s = s " " $1 }
		/^\} hitcount:/ { if (s ~ / rmap_walk_file/ && s ~ / (kswapd|try_to_free_pages)\+/) n += $NF }
		END { print n + 0 }' "${1:-$T/events/lock/contention_begin/hist}" 2>/dev/null || echo 0
}

# hist_hits NAME CONDITION: the hits of the histogram's rows whose key (k in
# CONDITION, an awk expression) matches. Rows read "{ key: K } hitcount: N".
hist_hits() {
	awk "/^\{ / { k = \$3; if ($2) n += \$NF } END { print n + 0 }" "$VT_OUT/$1.hist" 2>/dev/null || echo 0
}

cat /proc/meminfo >"$VT_OUT/meminfo-start.txt"
vt_log "MGLRU: $(cat /sys/kernel/mm/lru_gen/enabled 2>/dev/null || echo absent)"
for m in "brd rd_nr=1 rd_size=$((RD_MB * 1024))" crc16 crc32c_generic mbcache jbd2 ext4; do
	# shellcheck disable=SC2086 # name and parameters
	vt_insmod $m || vt_die "insmod $m failed"
done
i=0
while [ ! -b /dev/ram0 ] && [ $i -lt 50 ]; do # devtmpfs adds the node shortly after
	usleep 100000
	i=$((i + 1))
done
mke2fs /dev/ram0 >/dev/null || vt_die "mke2fs /dev/ram0 failed"
mount -t ext2 /dev/ram0 /mnt || vt_die "mount ext2 on /dev/ram0 failed"
dd if=/dev/zero of=/mnt/data bs=1M count=$DATA_MB 2>/dev/null || vt_die "cannot write /mnt/data"
dd if=/dev/zero of=/mnt/stream bs=1M count=$STREAM_MB 2>/dev/null || vt_die "cannot write /mnt/stream"
sync
echo 3 >/proc/sys/vm/drop_caches
# Over the pressure: what folio_referenced() returned (> 0: reclaim walked a
# mapped page's reverse map and found it used; -1: the walk found the rmap
# lock, i_mmap_rwsem here, held) and who called try_to_unmap(). The probes go
# in and out while reclaim is idle: with them going in or out under full
# reclaim, the guest once oopsed under multi-threaded TCG, in kswapd and in a
# task in direct reclaim at once, on a call to address 0 where
# shrink_folio_list calls try_to_unmap (live patching of code that another
# vCPU runs; see README.md on the lockdep kernel and MTTCG).
# shellcheck disable=SC2016 # $retval is the kprobe's syntax
hist_start folio_referenced 'r:vt_lockseed/folio_referenced folio_referenced ret=$retval:s32' ret ||
	vt_fail "no histogram of folio_referenced's return"
hist_start try_to_unmap 'p:vt_lockseed/try_to_unmap try_to_unmap' common_pid.execname ||
	vt_fail "no histogram of try_to_unmap's callers"
# lockdep_start NAME: `vfio-trace lockdep` into $VT_OUT/NAME.json, attached.
lockdep_start() {
	vfio-trace lockdep -j --lock vt_lockseed_lock --dot "$VT_OUT/$1.dot" \
		>"$VT_OUT/$1.json" 2>"$VT_OUT/$1.err" &
	eval "tracer_$1=\$!"
	waited=0
	until grep -q "Hit Ctrl-C" "$VT_OUT/$1.err" 2>/dev/null; do
		kill -0 "$(eval echo "\$tracer_$1")" 2>/dev/null || { vt_fail "vfio-trace lockdep: $(cat "$VT_OUT/$1.err")"; return 1; }
		[ $waited -lt 120 ] || { vt_fail "vfio-trace lockdep did not attach within 120 s"; return 1; }
		sleep 1
		waited=$((waited + 1))
	done
}
lockdep_stop() {
	local pid
	pid=$(eval echo "\$tracer_$1")
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	echo $? >"$VT_OUT/$1.rc"
}

# Both attach now, before the memory is filled (loading needs some) and
# while reclaim is idle: `control` is stopped before the first trigger,
# `lockdep` sees the triggers.
lockdep_start control
lockdep_start lockdep
# Inside the lockdep run's window, so that each wait it counts is one that
# run could see.
waits_start || vt_fail "no histogram of lock:contention_begin's stacks"
avail=$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo)
hog_mb=$((avail / 1024 - LEFT_MB))
[ "$hog_mb" -gt 0 ] || vt_die "only $avail kB available: nothing to fill"
mkdir -p /hog
mount -t tmpfs -o size=${hog_mb}m tmpfs /hog || vt_die "cannot mount the tmpfs hog"
# tmpfs pages are swap-backed and there is no swap: they stay.
dd if=/dev/zero of=/hog/fill bs=1M count=$hog_mb 2>/dev/null || vt_die "cannot fill $hog_mb MiB of tmpfs"
vt_log "available after drop_caches: $((avail / 1024)) MiB; tmpfs hog $hog_mb MiB; files $DATA_MB MiB mapped, $STREAM_MB MiB read"
cat /proc/meminfo >"$VT_OUT/meminfo-hog.txt"
# One reader maps the data file and touches every page, pass after pass, so
# reclaim must walk that file's reverse map (folio_referenced, try_to_unmap)
# under the i_mmap_rwsem that the triggers on it take. The other streams a
# file through read(2): pages that reclaim can take without that lock. With
# the mapped file alone (and 24 MiB left), a trigger's own allocation found
# nothing it could reclaim while it held the file's i_mmap_rwsem, and the OOM
# killer ran, killing the reader, then the shell writing the trigger.
command -v vt-mmap-read >/dev/null || vt_die "no vt-mmap-read in the guest (make builds it)"
readers_start() {
	rm -f /tmp/stop-reader
	vt-mmap-read /mnt/data /tmp/stop-reader >>"$VT_OUT/reader.txt" 2>&1 &
	reader=$!
	(while [ ! -e /tmp/stop-reader ]; do cat /mnt/stream; done >/dev/null) &
	streamer=$!
	sleep 2 # the page cache fills and reclaim starts
}
readers_stop() {
	touch /tmp/stop-reader
	wait "$reader" || vt_fail "vt-mmap-read: $(cat "$VT_OUT/reader.txt")"
	wait "$streamer"
}
# The control: the same pressure, reclaim walking the same file, no trigger.
echo "$REPEAT" >"$D/repeat" || vt_die "cannot set the fixture's repeat to $REPEAT"
vt_check_eq "the fixture repeats each sequence" "$(cat "$D/repeat")" "$REPEAT"
readers_start
# The control: the triggers' allocations, as many and as often, without the
# fixture's locks around them.
i=0
while [ $i -lt "$PRESSURE" ]; do
	echo 1 >"$D/alloc" || vt_fail "the control allocation failed"
	i=$((i + 1))
	usleep 20000
done
readers_stop
lockdep_stop control
readers_start

cp /proc/vmstat "$VT_OUT/vmstat-before.txt"
failed=0 round=0
while [ $round -lt "$ROUNDS" ]; do
	i=0
	while [ $i -lt "$PRESSURE" ]; do
		trigger /mnt/data || failed=$((failed + 1))
		i=$((i + 1))
		usleep 20000
	done
	round=$((round + 1))
	[ "$(reclaim_waits)" -eq 0 ] || break
done
cp /proc/vmstat "$VT_OUT/vmstat-after.txt"
cat /proc/meminfo >"$VT_OUT/meminfo-pressure.txt"
readers_stop
waits_stop
lockdep_stop lockdep
rm -f /hog/fill
umount /hog
hist_stop folio_referenced ret
hist_stop try_to_unmap common_pid.execname

for k in pgscan_kswapd pgscan_direct pgsteal_kswapd pgsteal_direct pgscan_file pgsteal_file \
	pgscan_anon allocstall_normal allocstall_dma32 allocstall_movable pgrefill oom_kill; do
	b=$(vmstat_get $k "$VT_OUT/vmstat-before.txt")
	a=$(vmstat_get $k "$VT_OUT/vmstat-after.txt")
	echo "$k $((${a:-0} - ${b:-0}))"
done >"$VT_OUT/reclaim.txt"
{
	# The histogram prints the s32 key as a u64: -1 is 18446744073709551615.
	echo "rmap_walks_referenced $(hist_hits folio_referenced 'k > 0 && k < 2147483648')"
	echo "rmap_walks_contended $(hist_hits folio_referenced 'k >= 2147483648')"
	# shellcheck disable=SC2016 # awk's $0
	echo "try_to_unmap_kswapd $(hist_hits try_to_unmap '$0 ~ /kswapd/')"
	# shellcheck disable=SC2016 # awk's $0
	echo "try_to_unmap_other $(hist_hits try_to_unmap '$0 !~ /kswapd/')"
	echo "reclaim_i_mmap_waits $(reclaim_waits "$VT_OUT/contention_begin.hist")"
	echo "trigger_rounds $round"
} >>"$VT_OUT/reclaim.txt"
delta() { awk -v k="$1" '$1 == k { print $2 }' "$VT_OUT/reclaim.txt"; }
vt_log "vmstat during the $((round * PRESSURE)) triggers, histograms over the whole pressure: $(tr '\n' ' ' <"$VT_OUT/reclaim.txt")"
vt_check_eq "failed triggers on /mnt/data under pressure" "$failed" 0
want=$((want + round * PRESSURE))
vt_check_eq "count after $((round * PRESSURE)) more triggers ($round rounds)" "$(count)" "$want"
vt_check_ge "pages scanned by kswapd or direct reclaim during the triggers" \
	$(($(delta pgscan_kswapd) + $(delta pgscan_direct))) 1
vt_check_ge "file pages reclaimed during the triggers (pgsteal_file)" "$(delta pgsteal_file)" 1
vt_check_ge "mapped file pages whose reverse map reclaim walked and found used (folio_referenced > 0)" \
	"$(delta rmap_walks_referenced)" 1
vt_check_ge "mapped file pages reclaim unmapped (try_to_unmap)" \
	$(($(delta try_to_unmap_kswapd) + $(delta try_to_unmap_other))) 1
# Nothing else takes /mnt/data's i_mmap_rwsem for writing in the window (the
# reader maps it once, before): these walks met a trigger holding it.
vt_check_ge "reverse-map walks that found i_mmap_rwsem held (folio_referenced -1)" \
	"$(delta rmap_walks_contended)" 1
vt_check_eq "OOM kills during the triggers" "$(delta oom_kill)" 0

umount /mnt
for m in ext4 jbd2 mbcache crc32c_generic crc16 brd; do
	rmmod $m || vt_fail "rmmod $m"
done

# --- 4. unload, load again ---------------------------------------------------
vt_check "rmmod vt_lockseed" rmmod vt_lockseed
vt_check "its debugfs directory is gone" test ! -e "$D"
vt_check "insmod vt_lockseed again" vt_lockseed_load
vt_check_eq "count after the second insmod" "$(count)" 0
vt_check "a trigger after the second insmod" trigger /bin/busybox
vt_check_eq "count after it" "$(count)" 1
vt_check "rmmod vt_lockseed again" rmmod vt_lockseed

# --- 5. the kernel's word ----------------------------------------------------
dmesg >"$VT_OUT/dmesg.txt"
bad_re='WARNING:|BUG:|Oops|Call Trace|circular locking|lock held|oom-kill|Out of memory|page allocation failure|blocked for more than|general protection|soft lockup|LOCKUP|rcu.*stall'
bad=$(grep -cE "$bad_re" "$VT_OUT/dmesg.txt")
[ "$bad" -eq 0 ] || grep -E "$bad_re" "$VT_OUT/dmesg.txt" | head -n 5
vt_check_eq "dmesg lines of a warning, BUG, oops, OOM or stall" "$bad" 0
# M machine check 16, B bad page 32, D died 128, W warning 512, L soft lockup
# 16384. The fixture itself adds O (out of tree) and E (unsigned).
tainted=$(cat /proc/sys/kernel/tainted)
vt_log "tainted: $tainted"
vt_check_eq "taint bits M, B, D, W, L" $((tainted & 17072)) 0
vt_finish

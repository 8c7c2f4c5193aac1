#!/usr/bin/env bash
# The man page (doc/vfio-trace.8) and the bash completion
# (contrib/bash-completion/vfio-trace), checked against what the binary and
# the Prometheus renderer really say, on the host, in a second or two:
# - mandoc -Tlint has nothing to say about the page;
# - every option in `vfio-trace --help` and in each `vfio-trace SUB --help` is
#   in the page's OPTIONS, and every subcommand in its SYNOPSIS and its list;
# - every metric family of the textfile is in PROMETHEUS METRICS, with its
#   type and its labels;
# - the completion offers the subcommands, each subcommand's options (all of
#   its --help, nothing else), and the vfio-pci devices of a fake sysfs tree.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
bin=$top/build/vfio-trace
page=$top/doc/vfio-trace.8
comp=$top/contrib/bash-completion/vfio-trace
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$bin" ]; then
	not_ok "docs: $bin is not built (make)"
	e2e_finish
fi

# The subcommands, from the usage lines of --help ("vfio-trace events
# [OPTIONS]"; the summary's line starts with "[").
mapfile -t subcommands < <("$bin" --help |
	sed -nE 's/^(Usage:)? +vfio-trace ([a-z][a-z-]*)( .*)?$/\2/p' | sort -u)
if [ "${#subcommands[@]}" -lt 4 ]; then
	not_ok "docs: found ${#subcommands[@]} subcommands in --help (${subcommands[*]}), want at least 4"
fi

# help_options [SUB]: the options of that --help, one a line ("-d", "--device").
help_options() {
	"$bin" ${1:+"$1"} --help |
		sed -nE 's/^  (-[[:alnum:]]), (--[[:alnum:]][[:alnum:]-]*).*/\1\n\2/p
			s/^      (--[[:alnum:]][[:alnum:]-]*).*/\1/p' | sort -u
}
help_options > "$tmp/opts-all"
for sub in "${subcommands[@]}"; do
	help_options "$sub" > "$tmp/opts-$sub"
done
sort -u "$tmp"/opts-* > "$tmp/opts-union"
if [ "$(grep -c -- '^--' "$tmp/opts-union")" -lt 20 ]; then
	not_ok "docs: found $(grep -c -- '^--' "$tmp/opts-union") long options in --help, want at least 20: the help's layout changed?"
fi

# ---- the man page -----------------------------------------------------------

if ! command -v mandoc > /dev/null 2>&1; then
	skip "man page: mandoc is not installed (tools/install-deps installs it)"
else
	# -Tlint also looks up each .Xr in the host's manual database and says
	# which pages are not installed here: that is about this host, not the
	# page, and is left out (and said). Every other message fails.
	lint=$(cd "$top" && mandoc -Tlint doc/vfio-trace.8 2>&1)
	xr=$(printf '%s\n' "$lint" | grep -cE 'mandoc\.db lacks|referenced manual not found')
	rest=$(printf '%s\n' "$lint" | grep -vE 'mandoc\.db lacks|referenced manual not found' | grep .)
	if [ -z "$rest" ]; then
		ok "man page: mandoc -Tlint is clean ($xr cross-references to pages this host lacks not counted)"
	else
		while IFS= read -r line; do not_ok "man page: $line"; done <<< "$rest"
	fi

	# The page as a reader sees it, without the overstrike of bold.
	mandoc -Tascii "$page" | sed 's/.\x08//g' > "$tmp/page.txt"
	# section NAME: the lines of one section of the rendered page.
	section() {
		awk -v want="$1" '/^[A-Z][A-Z ]*$/ { in_ = ($0 == want); next } in_' "$tmp/page.txt"
	}
	# The item tags of OPTIONS ("     -d bdf, --device=bdf"), not its text,
	# where --keep's item names --watch-kmsg.
	section OPTIONS | grep -E '^ {5}-' > "$tmp/page-options"
	section SYNOPSIS > "$tmp/page-synopsis"
	section DESCRIPTION > "$tmp/page-description"
	section "PROMETHEUS METRICS" > "$tmp/page-metrics"

	missing=()
	while IFS= read -r opt; do
		grep -qE -- "(^|[^[:alnum:]-])$opt([^[:alnum:]-]|$)" "$tmp/page-options" || missing+=("$opt")
	done < "$tmp/opts-union"
	if [ ${#missing[@]} -eq 0 ]; then
		ok "man page: all $(wc -l < "$tmp/opts-union") options of the --help texts have an item in OPTIONS"
	else
		not_ok "man page: options in --help without an item in OPTIONS: ${missing[*]}"
	fi

	missing=()
	for sub in "${subcommands[@]}"; do
		# in the SYNOPSIS, and as an item of the Subcommands list
		grep -qE "vfio-trace $sub( |$)" "$tmp/page-synopsis" &&
			grep -qE "^ {5}$sub( |$)" "$tmp/page-description" || missing+=("$sub")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		ok "man page: all ${#subcommands[@]} subcommands in SYNOPSIS and DESCRIPTION (${subcommands[*]})"
	else
		not_ok "man page: subcommands missing from SYNOPSIS or the Subcommands list: ${missing[*]}"
	fi

	# The metric families: the golden textfile is render_prom()'s real output
	# for the unit tests' fixture (the unit tests compare it byte for byte),
	# and it carries every family with its TYPE and its labels. The names in
	# render_prom.c are compared with it, so that a family the fixture does
	# not bring out cannot be missed here.
	golden=$top/tests/unit/golden/fixture.prom
	awk '$1 == "#" && $2 == "TYPE" { print $3, $4 }' "$golden" | sort > "$tmp/families"
	grep -oE '"vfio_trace_[a-z0-9_]+"' "$top/src/render_prom.c" | tr -d '"' | sort -u > "$tmp/src-names"
	if ! diff <(cut -d' ' -f1 "$tmp/families") "$tmp/src-names" > "$tmp/names.diff"; then
		not_ok "metrics: render_prom.c and the golden textfile name different families: $(grep '^[<>]' "$tmp/names.diff" | tr '\n' ' ')"
	fi
	bad=()
	while read -r name type; do
		# The item: its tag line, then its paragraph, which starts with the
		# type and names the labels.
		awk -v n="$name" '$1 == n && NF == 1 { on = 1; next } on && /^$/ { exit } on' \
			"$tmp/page-metrics" > "$tmp/item"
		if [ ! -s "$tmp/item" ]; then
			bad+=("$name (absent)")
			continue
		fi
		got=$(awk 'NR == 1 { sub(/[;,].*/, "", $1); print tolower($1) }' "$tmp/item")
		[ "$got" = "$type" ] || bad+=("$name (type '$got', the textfile says '$type')")
		for label in $(grep -E "^${name}(_bucket|_sum|_count)?\{" "$golden" |
			grep -oE '[a-z_]+="' | tr -d '="' | grep -vx le | sort -u); do
			tr -s ' \t\n' ' ' < "$tmp/item" | grep -qw -- "$label" ||
				bad+=("$name (label $label not named)")
		done
	done < "$tmp/families"
	if [ ${#bad[@]} -eq 0 ]; then
		ok "man page: all $(wc -l < "$tmp/families") metric families in PROMETHEUS METRICS, with their type and labels"
	else
		not_ok "man page: PROMETHEUS METRICS: ${bad[*]}"
	fi
fi

# ---- the bash completion -----------------------------------------------------

# complete LINE: runs the completion function as bash would with the cursor at
# the end of LINE; the candidates, sorted, one a line, in $tmp/got.
complete_line() {
	COMP_LINE=$1
	COMP_POINT=${#1}
	read -ra COMP_WORDS <<< "$1"
	[[ $1 =~ [[:space:]]$ ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_vfio_trace
	if [ ${#COMPREPLY[@]} -gt 0 ]; then printf '%s\n' "${COMPREPLY[@]}"; fi | sort > "$tmp/got"
}

# check_completion NAME LINE WANT...: the candidates are exactly WANT.
check_completion() {
	local name=$1 line=$2
	shift 2
	complete_line "$line"
	if [ $# -gt 0 ]; then printf '%s\n' "$@"; fi | sort > "$tmp/want"
	if diff -q "$tmp/got" "$tmp/want" > /dev/null; then
		ok "completion: $name: $(tr '\n' ' ' < "$tmp/got")"
	else
		not_ok "completion: $name: got '$(tr '\n' ' ' < "$tmp/got")', want '$*'"
	fi
}

# shellcheck source=contrib/bash-completion/vfio-trace
if ! . "$comp" || ! declare -F _vfio_trace > /dev/null; then
	not_ok "completion: sourcing $comp defines no _vfio_trace"
	e2e_finish
fi
if complete -p vfio-trace 2> /dev/null | grep -q -- '-F _vfio_trace vfio-trace$'; then
	ok "completion: registered for vfio-trace"
else
	not_ok "completion: not registered for vfio-trace: '$(complete -p vfio-trace 2>&1)'"
fi
check_completion "the subcommands" "$bin " "${subcommands[@]}"
check_completion "a subcommand by its start" "$bin ex" export
check_completion "export --te" "$bin export --te" --textfile-dir
check_completion "after options that take an argument" "$bin -d 0000:01:00.0 -p 1 pro" probes
check_completion "no second subcommand" "$bin events ex"

# Every option of each help, and nothing else, is offered where it goes.
mapfile -t want < "$tmp/opts-all"
check_completion "before the subcommand: every option" "$bin -" "${want[@]}"
for sub in "${subcommands[@]}"; do
	mapfile -t want < "$tmp/opts-$sub"
	check_completion "$sub's options" "$bin $sub -" "${want[@]}"
	check_completion "$sub's options, the subcommand after an option" "$bin -k $sub -" "${want[@]}"
done

# -d: the devices bound to vfio-pci, from a sysfs tree shaped like the
# kernel's (the driver's directory holds a link per device and its own files).
drv=$tmp/sys/bus/pci/drivers/vfio-pci
mkdir -p "$drv" "$tmp/sys/devices/pci0000:00/0000:00:02.0/0000:01:00.0" \
	"$tmp/sys/devices/pci0000:00/0000:00:03.0/0000:3b:00.1" "$tmp/sys/module/vfio_pci"
ln -s ../../../../devices/pci0000:00/0000:00:02.0/0000:01:00.0 "$drv/0000:01:00.0"
ln -s ../../../../devices/pci0000:00/0000:00:03.0/0000:3b:00.1 "$drv/0000:3b:00.1"
ln -s ../../../../module/vfio_pci "$drv/module"
touch "$drv/bind" "$drv/unbind" "$drv/new_id" "$drv/remove_id" "$drv/uevent"
export VFIO_TRACE_SYSFS=$tmp/sys
check_completion "-d: the vfio-pci devices" "$bin -d " 0000:01:00.0 0000:3b:00.1
check_completion "--device after a subcommand" "$bin events --device " 0000:01:00.0 0000:3b:00.1
# bash splits words at ':' (COMP_WORDBREAKS) and replaces what follows the last.
check_completion "-d with a domain typed: what follows the ':'" "$bin -d 0000:3" 3b:00.1
check_completion "--device=" "$bin lockdep --device=0000:01" 01:00.0
rm "$drv"/0000:*
check_completion "-d: no device bound" "$bin -d "
unset VFIO_TRACE_SYSFS

# -p: process ids, this shell's among them.
complete_line "$bin -p $$"
if grep -qx "$$" "$tmp/got"; then
	ok "completion: -p offers pids (this shell's, $$)"
else
	not_ok "completion: -p $$: got '$(head -c 200 "$tmp/got" | tr '\n' ' ')', want $$ among them"
fi

# Files and directories.
mkdir -p "$tmp/files/textdir"
touch "$tmp/files/textfile"
check_completion "--textfile-dir: directories" "$bin export --textfile-dir $tmp/files/text" "$tmp/files/textdir"
check_completion "--watch-kmsg: directories" "$bin lockdep --watch-kmsg $tmp/files/t" "$tmp/files/textdir"
check_completion "-o: files" "$bin probes -o $tmp/files/textf" "$tmp/files/textfile"
check_completion "--dot: files" "$bin lockdep --dot $tmp/files/text" "$tmp/files/textdir" "$tmp/files/textfile"
check_completion "--duration: nothing to offer" "$bin --duration "

e2e_finish

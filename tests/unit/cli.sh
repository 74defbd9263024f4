#!/bin/bash
# Unit tier, the command line as a user meets it: every command's option
# table (host/opttab.h) against what its parser accepts, what --help
# shows, the man pages (`man -l`, lexgrog) and the bash completion run
# through bash's own `complete` machinery.  No VM runs here.
set -u
cd "$(dirname "$0")/../.."
B=${BUILD:-build}
MB=${MAPBENCH:-$B/asan/mapbench}
MAN=$B/man
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/assert.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1

[ -x "$MB" ] || { not_ok "no $MB (make host)"; tier_done cli; exit 1; }
[ -s "$MAN/mapbench.1" ] || { not_ok "no $MAN/mapbench.1 (make man)"; tier_done cli; exit 1; }
command -v man > /dev/null && command -v lexgrog > /dev/null ||
	{ not_ok "man-db is not installed (scripts/deps.sh)"; tier_done cli; exit 1; }

cmds=$("$MB" help --complete -- '')
ncmd=$(wc -w <<< "$cmds")
if [ "$ncmd" -ge 14 ]; then
	ok "help --complete lists $ncmd commands"
else
	not_ok "help --complete lists $ncmd commands (want >= 14): $cmds"
fi

# the options --help shows, one a line: "--mem 1" (takes a value) or
# "--pmu 0" (a flag, or an optional value: --kfence[=SIZE])
help_opts() {
	"$MB" "$1" --help |
		sed -nE 's/^(  -[a-zA-Z], |      )(--[a-z0-9-]+)( [^ ]+)?.*/\2 \3/p' |
		awk '{ print $1, ($2 != "") }'
}

for c in $cmds; do
	page=$MAN/mapbench-$c.1
	help_opts "$c" > "$tmp/help"
	n=$(wc -l < "$tmp/help")
	# the parser takes every option --help lists: a flag then --help
	# prints the help (exit 0); an option with a value, given last
	# without one, says it needs one.  "unknown option" for any, or
	# anything else, is a table that lies.
	bad=
	while read -r o v; do
		if [ "$v" = 1 ]; then
			"$MB" "$c" "$o" > /dev/null 2> "$tmp/err" < /dev/null
			rc=$?
			[ "$rc" != 0 ] && grep -q "option '$o' needs a value" "$tmp/err" &&
				continue
		else
			"$MB" "$c" "$o" --help > /dev/null 2> "$tmp/err" < /dev/null
			rc=$?
			[ "$rc" = 0 ] && [ ! -s "$tmp/err" ] && continue
		fi
		bad+=" $o(exit $rc: $(head -c 80 "$tmp/err"))"
	done < "$tmp/help"
	if [ "$n" -ge 1 ] && [ -z "$bad" ]; then
		ok "$c: the parser takes each of the $n options --help lists"
	else
		not_ok "$c: $n options in --help; refused:$bad"
	fi
	# the man page: a NAME lexgrog reads, every --help option shown
	if ! lexgrog "$page" 2> /dev/null | grep -q "\"mapbench-$c - "; then
		not_ok "$c: lexgrog does not read $page's NAME"
		continue
	fi
	MANWIDTH=200 man -l "$page" 2> "$tmp/merr" | col -b > "$tmp/man"
	missing=
	while read -r o v; do
		grep -qE -- "(^|[ ,])$o( |\[|$)" "$tmp/man" || missing+=" $o"
	done < "$tmp/help"
	if [ -z "$missing" ] && [ ! -s "$tmp/merr" ]; then
		ok "man mapbench-$c: every one of --help's $n options, lexgrog reads its NAME"
	else
		not_ok "man mapbench-$c: missing$missing; $(head -c 200 "$tmp/merr")"
	fi
done

# mapbench(1) names every command's page; mapbench-json(5) every key a
# run record has at its top level (tests/fixtures: a real TCG record)
MANWIDTH=200 man -l "$MAN/mapbench.1" 2>&1 | col -b > "$tmp/man"
missing=
for c in $cmds; do grep -q "mapbench-$c(1)" "$tmp/man" || missing+=" $c"; done
check "mapbench(1) lists every command's page${missing:+ (missing:$missing)}" \
	test -z "$missing"
rec=$(ls tests/fixtures/explain/tcg-4g-base.json)
MANWIDTH=200 man -l "$MAN/mapbench-json.5" 2>&1 | col -b > "$tmp/man5"
missing=
for k in $(jq -r 'keys[]' "$rec"); do
	grep -qw -- "$k" "$tmp/man5" || missing+=" $k"
done
check "mapbench-json(5) names each of the run record's $(jq -r 'keys|length' "$rec") top-level keys${missing:+ (missing:$missing)}" \
	test -z "$missing"

# ---- completion, through bash's complete machinery --------------------
# complete WORDS...: COMPREPLY for the line "mapbench WORDS" (the last
# word is the one being completed), sorted, one line
complete_line() {
	bash --norc --noprofile -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		f=$(complete -p mapbench | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		"$f" mapbench "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		[ ${#COMPREPLY[@]} = 0 ] ||
			printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
		bash "$B/completion/mapbench" "$MB" "$@"
}

expect_complete() {
	local want=$1 got
	shift
	got=$(complete_line "$@")
	if [ "$got" = "$want" ]; then
		ok "completion of 'mapbench $*': $want"
	else
		not_ok "completion of 'mapbench $*': got '$got', want '$want'"
	fi
}

expect_complete "kernel-check " ke
expect_complete "lava-board lava-job lava-results " lava
expect_complete "--strategy " run --strat
expect_complete "--tcg-cpu --timeout " run --t
expect_complete "bbml2-blocks bbml2-repaint " run --strategy bbml
expect_complete "16K " run --granule 1
expect_complete "csv json markdown text " report --format ''
expect_complete "altra-2s " run --layout alt
mkdir -p "$tmp/d/sub" && : > "$tmp/d/x.json"
expect_complete "$tmp/d/sub $tmp/d/x.json " run --json "$tmp/d/"
expect_complete "$tmp/d/sub " lava-job -o "$tmp/d/"
expect_complete "" run --mem ''

tier_done cli

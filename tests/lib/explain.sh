# explain_bound CSV MAXPM [XFAIL]: every row of `mapbench explain
# --format csv` closes its account within MAXPM per mille of the measured
# time (|residual_share_pm| <= MAXPM), nothing is unpriced, and the run
# took at least its floor (measured_ticks >= floor_ticks > 0).  XFAIL, a
# file of "strategy rodata options mem_bytes" lines, names the rows known
# not to close (issue 17): those must exceed the bound, so the list can
# only shrink.  Prints every offending row, returns 1 if any.  Sourced.
explain_bound() {
	awk -F, -v max="$2" -v xf="${3:-/dev/null}" '
	BEGIN { while ((getline l < xf) > 0) if (l !~ /^#/ && l != "") x[l] = 1 }
	function uq(s) { gsub(/"/, "", s); return s }
	function pt(s) { gsub(/\./, "", s); return s + 0 }
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{
		rows++
		key = uq($col["strategy"]) " " $col["rodata"] " " \
		      (uq($col["options"]) == "" ? "-" : uq($col["options"])) \
		      " " $col["mem_bytes"]
		r = $col["residual_share_pm"] + 0
		if (r < 0) r = -r
		f = $col["floor_ticks"] + 0
		m = pt($col["measured_ticks"]) / 1000000
		if ($col["unpriced"] + 0 || !f || m < f) {
			print key ": unpriced " $col["unpriced"] " floor " f \
			      " measured " m; bad = 1
		}
		if ((key in x) && r <= max) {
			print key ": listed as not closing, closes (" r \
			      " per mille): take it off the list"; bad = 1
		} else if (!(key in x) && r > max) {
			print key ": residual " $col["residual_share_pm"] \
			      " per mille"; bad = 1
		}
	}
	END { if (!rows) { print "no rows"; bad = 1 } exit bad }' "$1"
}

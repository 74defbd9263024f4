# explain_bound CSV MAXPM: every row of `mapbench explain --format csv`
# closes its account within MAXPM per mille of the measured time
# (|residual_share_pm| <= MAXPM), nothing is unpriced, and the run took
# at least its floor (measured_ticks >= floor_ticks > 0).  Prints every
# offending row ("strategy rodata options mem_bytes: ..."), returns 1 if
# any.  Sourced.
explain_bound() {
	awk -F, -v max="$2" '
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
		if (r > max) {
			print key ": residual " $col["residual_share_pm"] \
			      " per mille"; bad = 1
		}
	}
	END { if (!rows) { print "no rows"; bad = 1 } exit bad }' "$1"
}

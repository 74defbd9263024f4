# explain_exact CSV: every row of `mapbench explain --format csv` adds up
# exactly -- measured = predicted + residual, the classes' ticks sum to
# predicted, the shares (0.1%) with the residual's sum to 1000.  Ticks
# are exact decimals with 6 places (picoticks), compared as integers.
# Prints the first row that does not, returns 1.  Sourced.
explain_exact() {
	awk -F, '
	function pt(s) { gsub(/\./, "", s); return s + 0 }
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{
		rows++
		m = pt($col["measured_ticks"]); p = pt($col["predicted_ticks"])
		r = pt($col["residual_ticks"])
		sum = 0; pm = $col["residual_share_pm"] + 0
		for (k in col)
			if (k ~ /_ticks$/ && k != "measured_ticks" &&
			    k != "predicted_ticks" && k != "residual_ticks" &&
			    k != "floor_ticks")
				sum += pt($col[k])
		for (k in col)
			if (k ~ /_share_pm$/ && k != "residual_share_pm")
				pm += $col[k]
		if (m != p + r || sum != p || pm != 1000) {
			print "row " NR ": measured " m " predicted " p \
			      " residual " r " classes " sum " shares " pm
			bad = 1
			exit
		}
	}
	END { if (!rows) { print "no rows"; bad = 1 } exit bad }' "$1"
}

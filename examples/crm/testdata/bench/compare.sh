#!/bin/sh
# Times crm batch and the pandas RFM of rfm_pandas.py on the same csv
# file, both reading it from disk, and prints the median wall time, CPU
# time and peak memory of each over RUNS runs, and their ratios.
#
#	sh examples/crm/testdata/bench/compare.sh FILE AS_OF [RUNS]
#
# Run it from the repository root. It needs GNU time (/usr/bin/time) and
# python3 with pandas (Debian: apt-get install time python3-pandas).
# Make the file with: go run ./examples/crm generate -customers 1000000 -seed 1 -out FILE
set -eu
file=$1
asof=$2
runs=${3:-5}
py=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/crm" ./examples/crm

# measure NAME CMD...: RUNS lines "wall cpu rss_kb" in $tmp/NAME.runs.
measure() {
	name=$1
	shift
	: >"$tmp/$name.runs"
	i=0
	while [ "$i" -lt "$runs" ]; do
		/usr/bin/time -f '%e %U %S %M' -o "$tmp/one" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
		awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$tmp/one" >>"$tmp/$name.runs"
		i=$((i + 1))
	done
}

# median COLUMN NAME: the median of a column of $tmp/NAME.runs.
median() {
	sort -n -k "$1" "$tmp/$2.runs" | awk -v c="$1" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

measure crm "$tmp/crm" batch -in "$file" -as-of "$asof" -out "$tmp/batch.csv"
measure pandas "$py" examples/crm/testdata/bench/rfm_pandas.py "$file" "$asof" "$tmp/rfm.csv"

cw=$(median 1 crm) cc=$(median 2 crm) cm=$(median 3 crm)
pw=$(median 1 pandas) pc=$(median 2 pandas) pm=$(median 3 pandas)
echo "medians of $runs runs on $file (load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-12s %8s %8s %10s\n' "" "wall s" "cpu s" "peak MB"
printf '%-12s %8s %8s %10d\n' "crm batch" "$cw" "$cc" "$((cm / 1024))"
printf '%-12s %8s %8s %10d\n' "pandas RFM" "$pw" "$pc" "$((pm / 1024))"
awk -v cw="$cw" -v pw="$pw" -v cm="$cm" -v pm="$pm" 'BEGIN { printf "crm batch is %.1fx faster (wall) in %.2fx the memory\n", pw / cw, cm / pm }'

#!/bin/sh
# record.sh BUILD_DIR — record every bundled scenario's reference run into captures/NAME/
# (the captures, the programs' socket-call traces, run.json), replacing what is there.
# Needs root, or user namespaces. Each run must pass, or nothing is replaced.
set -eu
build=${1:?usage: captures/record.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/src/wirecheck" run "$here/../scenarios" -j 3 --keep-pcap "$tmp" --report text:"$tmp/report.txt" || {
	grep -E '^  (FAIL|INCONCLUSIVE) ' "$tmp/report.txt" >&2
	echo "record.sh: a reference run did not pass: nothing replaced" >&2
	exit 1
}
for dir in "$tmp"/*/; do
	name=$(basename "$dir")
	rm -rf "${here:?}/$name"
	cp -r "$dir" "$here/$name"
done
sed -n '/^summary:/,$p' "$tmp/report.txt"

# lib.sh — what the shell tests share: where things are, a scratch folder, and the
# fail / has / status helpers. A test names its scratch folder and sources it:
#   TEST=NAME; . "$(dirname "$0")/lib.sh"
# (dash passes no arguments to `.`), and ends with `finish`. WC_SRCDIR / WC_BUILDDIR come
# from `make check`.
SRC=${WC_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${WC_BUILDDIR:-.}
WC="$BUILD/src/wirecheck"
TMP="$BUILD/tests/tmp/$TEST.$$"
mkdir -p "$TMP" || exit 99
trap 'rm -rf "$TMP"' EXIT
export NO_COLOR=1
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# has FILE LINE: FILE holds LINE as a whole line
has() {
	grep -qxF -- "$2" "$1" || { fail "$1 lacks the line: $2"; sed 's/^/    | /' "$1"; }
}

# status EXPECTED CMD...: run and compare the exit status; output in $TMP/out, $TMP/err
status() {
	want=$1
	shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want: $(cat "$TMP/err")"
}

# The test's exit status: 1 when anything failed.
finish() {
	[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
	exit 0
}

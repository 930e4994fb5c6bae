#!/bin/sh
# test_labs.sh — the reference lab programs against each other on 127.0.0.1, without
# privileges: exact log lines and exit statuses of TCP echo (every server shape), the
# Fibonacci service (iterative against concurrent), UDP echo and short reads, closed ports,
# the port without htons, zombies of the fork modes, non-blocking and timeout reads, RST
# on close, and the --help of every program. Servers take --port 0 and the test reads the
# port from their "listening on" line; every command runs under `timeout`.
set -u
TEST=labs; . "$(dirname "$0")/lib.sh"
LABS="$BUILD/src/labs"
T="timeout 20"

# like FILE REGEX: some whole line of FILE matches the extended regular expression
like() {
	grep -qxE -- "$2" "$1" || { fail "$1 has no line like: $2"; sed 's/^/    | /' "$1"; }
}

# count FILE REGEX N: exactly N whole lines of FILE match
count() {
	got=$(grep -cxE -- "$2" "$1")
	[ "$got" -eq "$3" ] || { fail "$1: $got lines like '$2', expected $3"; sed 's/^/    | /' "$1"; }
}

# start NAME PROGRAM ARGS...: starts a lab server in the background and waits for its
# "listening on" line; sets PORT (the one it reports) and SPID (the server's own pid,
# under timeout's pid TPID). Its output goes to $TMP/NAME.out and $TMP/NAME.err. Returns
# 1 when the server ended or said nothing within 10 s.
start() {
	name=$1
	shift
	prog=$1
	shift
	$T "$LABS/$prog" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	TPID=$!
	PORT=0
	i=0
	until grep -q '^listening on ' "$TMP/$name.out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 $TPID 2>/dev/null; then
			wait $TPID
			return 1
		fi
		sleep 0.05
	done
	PORT=$(sed -n 's/^listening on [^ ]*:\([0-9]*\).*$/\1/p' "$TMP/$name.out")
	SPID=$(ps -o pid= --ppid $TPID | tr -d ' ')
}

# serve NAME PROGRAM ARGS...: start, where a server that does not start is a failure
serve() {
	start "$@" || fail "$2 did not start: $(cat "$TMP/$1.err")"
}

# holds EXPRESSION: an awk expression over decimal numbers is true
holds() {
	awk "BEGIN { exit !($1) }"
}

# ended STATUS: the last server started ended by itself with STATUS
ended() {
	wait $TPID
	got=$?
	[ "$got" -eq "$1" ] || fail "the server exited $got, expected $1: $(cat "$TMP/$name.err")"
}

# stop: ends the last server started (SIGTERM)
stop() {
	kill $TPID 2>/dev/null
	wait $TPID 2>/dev/null
}

# zombies PID: how many children of PID are zombies
zombies() {
	ps -o stat= --ppid "$1" | grep -c '^Z'
}

# A port nobody listens on: one the kernel gave a server that is gone.
closed_port() {
	serve gone tcp-server --port 0 --no-accept || return 1
	stop
	CLOSED=$PORT
}

now() { date +%s.%N; }

# ---- --help of every program: exit 0, every option named ----
helps() {
	prog=$1
	shift
	status 0 $T "$LABS/$prog" --help
	for opt in "$@" --help; do
		grep -qF -- "$opt" "$TMP/out" || fail "$prog --help does not mention $opt"
	done
	status 64 $T "$LABS/$prog" --no-such-option
	has "$TMP/err" "$prog: '--no-such-option' is an unknown option or lacks its value"
	has "$TMP/err" "Try '$prog --help' for the options."
}
helps tcp-server --mode --port --bind --no-htons --no-reuseaddr --backlog --delay-bind \
	--delay-listen --delay-accept --no-accept --read-size --reply --no-read --hold --linger0 \
	--ttl --clients --client-delay iterative fork-wait fork-sigchld select thread
helps tcp-client --count --size --interval --payload --read-size --no-read --shutdown \
	--expect-bytes --nonblock --timeout --hold --linger0 --ttl --bind
helps udp-server --port --bind --read-size --reply --count --hold
helps udp-client --connect --count --size --interval --payload --wait-reply --bind --src-port
helps fib-server --mode --port --bind --line-delay --clients
helps fib-client
status 64 $T "$LABS/tcp-client" 127.0.0.1
has "$TMP/err" "tcp-client: expected HOST PORT, got 1 argument(s)"
status 64 $T "$LABS/tcp-server" --reply loud
has "$TMP/err" "tcp-server: --reply: 'loud' is none of echo, none, fixed:TEXT"
status 64 $T "$LABS/udp-client" --interval soon 127.0.0.1 7
has "$TMP/err" "udp-client: --interval: 'soon' is not a number of seconds (0 to 86400, such as 0.25)"

# ---- TCP echo: the client gets back exactly what it sent; --clients ends the server ----
serve echo tcp-server --port 0 --clients 1
status 0 $T "$LABS/tcp-client" --count 3 --size 100 127.0.0.1 "$PORT"
like "$TMP/out" "connected to 127\.0\.0\.1:$PORT from 127\.0\.0\.1:[0-9]+"
count "$TMP/out" "sent 100 bytes" 3
has "$TMP/out" "read 300 bytes in all, the same as sent"
has "$TMP/out" "closed"
ended 0
has "$TMP/echo.out" "bound to 0.0.0.0:$PORT"
like "$TMP/echo.out" "accepted 127\.0\.0\.1:[0-9]+"
like "$TMP/echo.out" "end of stream from 127\.0\.0\.1:[0-9]+"
like "$TMP/echo.out" "closed 127\.0\.0\.1:[0-9]+"
has "$TMP/echo.out" "served 1 clients"
read_total=$(awk '/^read [0-9]+ bytes from /{n += $2} END {print n + 0}' "$TMP/echo.out")
[ "$read_total" = 300 ] || fail "the server read $read_total bytes, expected 300"

# A fixed reply, the payload option, the read size and a half-close.
serve fixed tcp-server --port 0 --clients 1 --reply fixed:OK --read-size 4
status 0 $T "$LABS/tcp-client" --payload hello --shutdown 127.0.0.1 "$PORT"
has "$TMP/out" "sent 5 bytes"
has "$TMP/out" "shut down writing"
has "$TMP/out" "end of stream"
has "$TMP/out" "read 4 bytes in all, not what was sent"
ended 0
like "$TMP/fixed.out" "read 4 bytes from 127\.0\.0\.1:[0-9]+"
like "$TMP/fixed.out" "read 1 bytes from 127\.0\.0\.1:[0-9]+"
count "$TMP/fixed.out" "sent 2 bytes to 127\.0\.0\.1:[0-9]+" 2

# Every concurrent shape serves two overlapping clients and exits after them.
for mode in select thread fork-wait fork-sigchld; do
	serve "$mode" tcp-server --port 0 --mode "$mode" --clients 2
	$T "$LABS/tcp-client" --count 3 --size 50 --interval 0.1 127.0.0.1 "$PORT" >"$TMP/c1.out" 2>&1 &
	c1=$!
	status 0 $T "$LABS/tcp-client" --count 3 --size 50 --interval 0.1 127.0.0.1 "$PORT"
	wait $c1 || fail "$mode: the first client failed: $(cat "$TMP/c1.out")"
	has "$TMP/out" "read 150 bytes in all, the same as sent"
	has "$TMP/c1.out" "read 150 bytes in all, the same as sent"
	ended 0
	has "$TMP/$mode.out" "served 2 clients"
	count "$TMP/$mode.out" "closed 127\.0\.0\.1:[0-9]+" 2
done

# IPv6, where the machine has it.
if grep -q '^0\{31\}1 ' /proc/net/if_inet6 2>/dev/null; then
	serve v6 tcp-server --port 0 --bind ::1 --clients 1
	status 0 $T "$LABS/tcp-client" --payload six ::1 "$PORT"
	like "$TMP/out" "connected to \[::1\]:$PORT from \[::1\]:[0-9]+"
	has "$TMP/out" "read 3 bytes in all, the same as sent"
	ended 0
	has "$TMP/v6.out" "listening on [::1]:$PORT"
else
	echo "note: no IPv6 loopback here: the ::1 case was skipped"
fi

# ---- a closed port: ECONNREFUSED, exit 1 ----
closed_port
status 1 $T "$LABS/tcp-client" 127.0.0.1 "$CLOSED"
has "$TMP/err" "connect: Connection refused"
[ -s "$TMP/out" ] && fail "a refused tcp-client wrote on stdout: $(cat "$TMP/out")"
status 1 $T "$LABS/tcp-client" --nonblock 127.0.0.1 "$CLOSED"
has "$TMP/err" "connect: Connection refused"
status 1 $T "$LABS/fib-client" 127.0.0.1 "$CLOSED" 5
has "$TMP/err" "connect: Connection refused"

# ---- a second server on a port in use: EADDRINUSE ----
serve first tcp-server --port 0 --no-accept
status 1 $T "$LABS/tcp-server" --port "$PORT"
has "$TMP/err" "bind: Address already in use"
stop

# ---- a silent server: non-blocking EAGAIN and SO_RCVTIMEO timeout, exit 2 ----
serve silent tcp-server --port 0 --reply none
status 2 $T "$LABS/tcp-client" --nonblock 127.0.0.1 "$PORT"
has "$TMP/out" "sent 100 bytes"
has "$TMP/err" "recv: Resource temporarily unavailable"
t0=$(now)
status 2 $T "$LABS/tcp-client" --timeout 0.3 127.0.0.1 "$PORT"
t1=$(now)
has "$TMP/err" "recv: timed out after 0.3 s"
holds "$t1 - $t0 >= 0.3" || fail "the 0.3 s timeout came after $t0 .. $t1"
stop

# A server that never accepts: the kernel still completes the handshake and takes the data.
serve noaccept tcp-server --port 0 --no-accept
status 2 $T "$LABS/tcp-client" --timeout 0.2 127.0.0.1 "$PORT"
like "$TMP/out" "connected to 127\.0\.0\.1:$PORT from .*"
has "$TMP/out" "sent 100 bytes"
has "$TMP/noaccept.out" "not accepting connections"
stop

# ---- RST on close: unread data (--no-read), SO_LINGER 0 ----
serve noread tcp-server --port 0 --no-read --hold 0.2 --clients 1
status 1 $T "$LABS/tcp-client" 127.0.0.1 "$PORT"
has "$TMP/err" "recv: Connection reset by peer"
ended 0
serve linger tcp-server --port 0 --linger0 --clients 1
status 1 $T "$LABS/tcp-client" --shutdown --hold 0.2 127.0.0.1 "$PORT"
has "$TMP/out" "read 100 bytes"
has "$TMP/err" "recv: Connection reset by peer"
ended 0

# ---- the port without htons: the server is on the byte-swapped port ----
# Both bytes from 40 to 189: the port and its swap are unprivileged; a few tries in case
# one of them is taken.
try=0
while [ $try -lt 5 ]; do
	hi=$((40 + ($$ + try * 37) % 150))
	lo=$((40 + ($$ / 150 + try * 11) % 150))
	meant=$((hi * 256 + lo))
	really=$((lo * 256 + hi))
	start htons tcp-server --port "$meant" --no-htons --clients 1 && break
	try=$((try + 1))
done
[ $try -lt 5 ] || fail "tcp-server --no-htons did not start in 5 tries: $(cat "$TMP/htons.err")"
has "$TMP/htons.out" "listening on 0.0.0.0:$meant (port not converted with htons: really $really)"
has "$TMP/htons.out" "bound to 0.0.0.0:$really"
if command -v ss >/dev/null; then
	ss -Hltn "sport = :$really" | grep -q LISTEN || fail "ss shows no listener on port $really"
fi
# The port meant is refused, unless some other program happens to listen there.
if [ "$meant" -ne "$really" ] && ! ss -Hltn "sport = :$meant" 2>/dev/null | grep -q LISTEN; then
	status 1 $T "$LABS/tcp-client" 127.0.0.1 "$meant"
	has "$TMP/err" "connect: Connection refused"
fi
status 0 $T "$LABS/tcp-client" --payload swapped 127.0.0.1 "$really"
has "$TMP/out" "read 7 bytes in all, the same as sent"
ended 0

# ---- fork modes: zombies left, reaped late, reaped at once ----
# two_clients: two echo clients one after the other, each done before the next starts,
# then time for the server's children to exit
two_clients() {
	status 0 $T "$LABS/tcp-client" 127.0.0.1 "$PORT"
	sleep 0.3
	status 0 $T "$LABS/tcp-client" 127.0.0.1 "$PORT"
	sleep 0.3
}
serve fork tcp-server --port 0 --mode fork
two_clients
[ "$(zombies "$SPID")" -eq 2 ] || fail "fork: $(zombies "$SPID") zombie children, expected 2"
count "$TMP/fork.out" "child [0-9]+ serves 127\.0\.0\.1:[0-9]+" 2
count "$TMP/fork.out" "reaped child [0-9]+" 0
stop
serve forkwait tcp-server --port 0 --mode fork-wait
two_clients
[ "$(zombies "$SPID")" -eq 1 ] || fail "fork-wait: $(zombies "$SPID") zombie children, expected 1"
first=$(sed -n 's/^child \([0-9]*\) serves .*/\1/p' "$TMP/forkwait.out" | head -1)
has "$TMP/forkwait.out" "reaped child $first"
count "$TMP/forkwait.out" "reaped child [0-9]+" 1
stop
serve sigchld tcp-server --port 0 --mode fork-sigchld
two_clients
[ "$(zombies "$SPID")" -eq 0 ] || fail "fork-sigchld: $(zombies "$SPID") zombie children, expected 0"
count "$TMP/sigchld.out" "reaped child [0-9]+" 2
stop

# ---- Fibonacci: iterative serves two clients one after the other, thread and fork overlap ----
# fib MODE: two clients asking for 5 lines at once (4 pauses of 0.2 s each: 0.8 s per
# client); sets SECS to the time both took, and checks what each got
fib() {
	serve "fib-$1" fib-server --port 0 --mode "$1" --clients 2
	t0=$(now)
	$T "$LABS/fib-client" 127.0.0.1 "$PORT" 5 >"$TMP/f1.out" 2>&1 &
	f1=$!
	status 0 $T "$LABS/fib-client" 127.0.0.1 "$PORT" 5
	wait $f1 || fail "fib $1: the first client failed: $(cat "$TMP/f1.out")"
	t1=$(now)
	SECS=$(awk "BEGIN { print $t1 - $t0 }")
	for f in "$TMP/out" "$TMP/f1.out"; do
		[ "$(grep -xE '[0-9]+' "$f" | paste -sd' ')" = "0 1 1 2 3" ] || fail "fib $1: $f lacks 0 1 1 2 3"
		has "$f" "got 5 lines"
	done
	ended 0
	count "$TMP/fib-$1.out" "client 127\.0\.0\.1:[0-9]+ asked for 5" 2
	count "$TMP/fib-$1.out" "done with 127\.0\.0\.1:[0-9]+" 2
	has "$TMP/fib-$1.out" "served 2 clients"
	# In the log: did the second request come before the first answer ended?
	OVERLAP=$(awk '/ asked for /{a++} /^done with /{if (a >= 2) print "yes"; else print "no"; exit}' \
		"$TMP/fib-$1.out")
}
fib iterative
iter=$SECS
[ "$OVERLAP" = no ] || fail "fib iterative: the second client was served during the first"
holds "$iter >= 1.55" || fail "fib iterative: two clients took $iter s, expected at least 1.6"
for mode in thread fork; do
	fib $mode
	[ "$OVERLAP" = yes ] || fail "fib $mode: the two clients were not served at once"
	holds "$SECS + 0.5 < $iter" ||
		fail "fib $mode: two clients took $SECS s, not clearly less than iterative's $iter s"
done

# ---- UDP echo, short reads, closed ports ----
serve uecho udp-server --port 0 --count 2
status 0 $T "$LABS/udp-client" --count 2 --size 100 --wait-reply 2 127.0.0.1 "$PORT"
like "$TMP/out" "sent 100 bytes to 127\.0\.0\.1:$PORT from 0\.0\.0\.0:[0-9]+"
count "$TMP/out" "received 100 bytes from 127\.0\.0\.1:$PORT" 2
has "$TMP/out" "got 2 replies to 2 datagrams"
has "$TMP/out" "closed"
ended 0
count "$TMP/uecho.out" "read 100 bytes from 127\.0\.0\.1:[0-9]+" 2
count "$TMP/uecho.out" "sent 100 bytes to 127\.0\.0\.1:[0-9]+" 2
has "$TMP/uecho.out" "received 2 datagrams"

# A read of 50 bytes takes one datagram of 100: the other 50 are gone. The client's port
# is one the kernel just gave a server that is gone (--src-port).
closed_port
serve short udp-server --port 0 --count 1 --read-size 50
status 0 $T "$LABS/udp-client" --src-port "$CLOSED" --wait-reply 2 127.0.0.1 "$PORT"
has "$TMP/out" "sent 100 bytes to 127.0.0.1:$PORT from 0.0.0.0:$CLOSED"
has "$TMP/out" "received 50 bytes from 127.0.0.1:$PORT"
ended 0
has "$TMP/short.out" "read 50 bytes from 127.0.0.1:$CLOSED (datagram was 100 bytes, 50 discarded)"
has "$TMP/short.out" "sent 50 bytes to 127.0.0.1:$CLOSED"

serve fixedu udp-server --port 0 --count 1 --reply fixed:pong
status 0 $T "$LABS/udp-client" --connect --payload ping --wait-reply 2 127.0.0.1 "$PORT"
like "$TMP/out" "connected to 127\.0\.0\.1:$PORT from 127\.0\.0\.1:[0-9]+"
has "$TMP/out" "received 4 bytes from 127.0.0.1:$PORT"
ended 0

closed_port
status 1 $T "$LABS/udp-client" --connect --count 2 --interval 0.2 127.0.0.1 "$CLOSED"
has "$TMP/err" "send: Connection refused"
count "$TMP/out" "sent 100 bytes to .*" 1
status 1 $T "$LABS/udp-client" --connect --wait-reply 2 127.0.0.1 "$CLOSED"
has "$TMP/err" "recv: Connection refused"
status 2 $T "$LABS/udp-client" --wait-reply 0.2 127.0.0.1 "$CLOSED"
has "$TMP/out" "no reply within 0.2 s"
has "$TMP/out" "got 0 replies to 1 datagrams"

finish

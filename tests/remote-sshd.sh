#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# remote-sshd.sh: remote.c against real sshd on loopback (sshd-lib.sh):
# values full of hostile bytes reach a command on 5 hosts byte for byte;
# BatchMode makes a host that wants a password fail at once, without
# asking; the ControlMaster sockets are made under the given directory and
# closed by remote_ssh_close(); a detached command whose ssh client is
# killed mid-command leaves its status on the node, read back after.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sshd-lib.sh"
D=$top_builddir/tests/remote-driver
unset SSH_AUTH_SOCK SSH_ASKPASS SSH_ASKPASS_REQUIRE

sshd_start 6 6
# ControlPath must be short: a socket's path is at most 107 bytes.
CTL=$(mktemp -d /tmp/stepup-ctl.XXXXXX)
trap 'sshd_stop; rm -rf "$TMP" "$CTL"' EXIT

# Every byte but NUL, the injection strings of plain-inject.sh, and
# quotes, trailing newlines and blanks.
i=1
while [ $i -le 255 ]; do
	printf "\\$(printf %03o $i)"
	i=$((i + 1))
done >"$TMP/allbytes"
P=$TMP/pwned
{
	printf '%s\n' "1.0; touch $P" "\$(touch $P)" "\`touch $P\`" \
	    "1.0.0 && touch $P" "\$(touch $P); \`touch $P\` || touch $P"
	printf "'; touch %s; '\\\\'\"\n\n  " "$P"
} >"$TMP/inject"
[ "$(wc -c <"$TMP/allbytes")" = 255 ] || fail "allbytes is not 255 bytes"

# 1. Five hosts at once, each through its own master connection.
for k in 1 2 3 4 5; do
	printf 'node%s \047 $HOME' "$k" >"$TMP/host$k"
	"$D" run "$SSH_CONFIG" "$CTL" "node$k" \
	    'printf %s "$V"; printf %s "$W"; printf %s "$H"' \
	    "V=@$TMP/allbytes" "W=@$TMP/inject" "H=@$TMP/host$k" \
	    >"$TMP/out$k" 2>"$TMP/err$k" &
	eval "pid$k=\$!"
done
for k in 1 2 3 4 5; do
	eval "wait \$pid$k"
	st=$?
	[ "$st" = 0 ] || fail "node$k exited $st: $(cat "$TMP/err$k")"
	cat "$TMP/allbytes" "$TMP/inject" "$TMP/host$k" >"$TMP/want$k"
	cmp "$TMP/want$k" "$TMP/out$k" >/dev/null ||
		fail "node$k printed otherwise: $(cmp "$TMP/want$k" "$TMP/out$k" 2>&1)"
done
[ -e "$P" ] && fail "an injection string ran on a node"

# 2. The masters' sockets are in $CTL, one a host, and stay after the runs
# (ControlPersist); the next command reuses one (no new login in the log).
n=$(find "$CTL" -type s | wc -l)
[ "$n" = 5 ] || fail "$n sockets in the control directory, want 5: $(ls -la "$CTL")"
logins=$(grep -c "Accepted publickey" "$SSHD_DIR/sshd.1.log")
"$D" run "$SSH_CONFIG" "$CTL" node1 'echo again' >"$TMP/out" 2>"$TMP/err" ||
	fail "again on node1: $(cat "$TMP/err")"
[ "$(cat "$TMP/out")" = again ] || fail "again printed $(cat "$TMP/out")"
[ "$(grep -c "Accepted publickey" "$SSHD_DIR/sshd.1.log")" = "$logins" ] ||
	fail "the second command on node1 logged in again instead of reusing the master"
ssh -F "$SSH_CONFIG" -o ControlPath="$CTL/%C" -O check node1 2>/dev/null ||
	fail "no master for node1 before the close"

# remote_ssh_close() closes them all: no socket left, no master.
"$D" close "$SSH_CONFIG" "$CTL" node1 node2 node3 node4 node5 >"$TMP/out" 2>"$TMP/err" ||
	fail "close: $(cat "$TMP/out" "$TMP/err")"
[ "$(cat "$TMP/out")" = 0 ] || fail "close left $(cat "$TMP/out") sockets"
[ -z "$(find "$CTL" -type s)" ] || fail "sockets left: $(ls -la "$CTL")"
ssh -F "$SSH_CONFIG" -o ControlPath="$CTL/%C" -O check node1 2>/dev/null &&
	fail "a master for node1 after the close"

# 3. BatchMode: node6 wants a password. ssh without BatchMode asks the
# askpass program (the proof that this host would prompt); through
# remote.c's argv, it is never asked and ssh fails at once, saying why.
cat >"$TMP/askpass" <<EOF
#!/bin/sh
echo asked >>"$TMP/asked"
echo wrong
EOF
chmod +x "$TMP/askpass"
SSH_ASKPASS=$TMP/askpass SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
    ssh -F "$SSH_CONFIG" -o NumberOfPasswordPrompts=1 node6 true \
    </dev/null >/dev/null 2>&1
[ -s "$TMP/asked" ] || fail "the password host did not ask for a password without BatchMode"
rm -f "$TMP/asked"
SSH_ASKPASS=$TMP/askpass SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
    "$D" run "$SSH_CONFIG" "$CTL" node6 'echo ran' >"$TMP/out" 2>"$TMP/err"
st=$?
[ "$st" = 255 ] || fail "node6 exited $st, want ssh's 255"
[ -e "$TMP/asked" ] && fail "BatchMode asked for a password"
expect_grep "$TMP/err" "Permission denied (publickey,password,keyboard-interactive)."
[ -s "$TMP/out" ] && fail "node6 ran the command: $(cat "$TMP/out")"

# 4. Detached: the ssh client is killed mid-command; the command goes on
# on the node and its status is read back once it has finished. No master
# here: the client is the connection.
GO=$TMP/go
STATE=$TMP/remote-state
"$D" detach "$SSH_CONFIG" - node2 "$STATE" a1 \
    "echo started; while [ ! -e '$GO' ]; do sleep 0.1; done; echo finished; exit 3" \
    >"$TMP/out" 2>"$TMP/err" &
dpid=$!
n=0
until "$D" status "$SSH_CONFIG" - node2 "$STATE" a1 >"$TMP/st" 2>&1 &&
    [ "$(cat "$TMP/st")" = running ]; do
	n=$((n + 1))
	[ $n -lt 300 ] || { fail "never running: $(cat "$TMP/st")"; break; }
	sleep 0.1
done
# The ssh client, a child of the driver: killed by its pid.
spid=$(ps -o pid= --ppid "$dpid" | tr -d ' ')
[ -n "$spid" ] || fail "no ssh client under the driver"
kill -9 $spid
wait "$dpid"
st=$?
[ "$st" = 137 ] || fail "the driver whose ssh was killed exited $st"
"$D" status "$SSH_CONFIG" - node2 "$STATE" a1 >"$TMP/st" 2>&1
[ "$(cat "$TMP/st")" = running ] || fail "after the kill: $(cat "$TMP/st")"
: >"$GO"
n=0
until "$D" status "$SSH_CONFIG" - node2 "$STATE" a1 >"$TMP/st" 2>&1 &&
    [ "$(cat "$TMP/st")" != running ]; do
	n=$((n + 1))
	[ $n -lt 300 ] || break
	sleep 0.1
done
[ "$(cat "$TMP/st")" = "exited 3" ] || fail "read back: $(cat "$TMP/st")"
[ "$(cat "$STATE/a1/log")" = "started
finished" ] || fail "the node's log: $(cat "$STATE/a1/log")"
# The same attempt never runs twice.
"$D" detach "$SSH_CONFIG" - node2 "$STATE" a1 "touch '$P'" >"$TMP/out" 2>"$TMP/err"
st=$?
[ "$st" = 125 ] || fail "a second start of a1 exited $st"
expect_grep "$TMP/err" "stepup: the attempt $STATE/a1 exists: an attempt never runs twice"
[ -e "$P" ] && fail "a1 ran twice"
# An attempt that was never started, and one whose waiting client stays.
"$D" status "$SSH_CONFIG" - node2 "$STATE" a9 >"$TMP/st" 2>&1
[ "$(cat "$TMP/st")" = none ] || fail "a9: $(cat "$TMP/st")"
"$D" detach "$SSH_CONFIG" - node3 "$STATE" a2 'echo "$0"; exit 0' >"$TMP/out" 2>"$TMP/err" ||
	fail "a2: $(cat "$TMP/err")"
[ "$(cat "$TMP/out")" = sh ] || fail "a2 printed $(cat "$TMP/out")"
finish

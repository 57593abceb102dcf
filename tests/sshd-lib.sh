# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# sshd-lib.sh: a test bed of real OpenSSH daemons on loopback, for the
# tests of remote hosts. Sourced after lib.sh, never run.
#
#   sshd_start N [NOKEY...]
#	starts N daemons as the current user on free loopback ports, the
#	hosts node1..nodeN of $SSH_CONFIG; the daemons numbered in NOKEY
#	accept no key and ask for a password instead. Everything (host key,
#	the client's key, authorized_keys, known_hosts, each sshd_config,
#	each log) is in $SSHD_DIR under the test's directory; the daemons are
#	stopped by the test's EXIT trap. A test that cannot run sshd is
#	skipped (77), except in CI, where it fails.
#   sshd_netns K NS ADDR
#	after `sshd_start 0` (keys and configuration, no daemon), starts
#	daemon K in the network namespace NS on ADDR:22, host nodeK.
#
# After it: $SSH_CONFIG (give it to ssh -F), $SSHD_DIR, $SSHD_PORT_k and
# $SSHD_PID_k for each daemon k.
#
# $SSHD_EXTRA, when set before sshd_start, is added to each daemon's
# sshd_config (for example "SetEnv PATH=$TMP/bin:/usr/bin:/bin", so that
# the commands run on the hosts find a test's stand-ins).

SSHD_BIN=${SSHD_BIN:-/usr/sbin/sshd}
SSHD_DIR=$TMP/sshd
SSH_CONFIG=$SSHD_DIR/ssh_config
SSHD_PIDS=

# Stop every daemon started here (and remove the test's directory, which
# lib.sh's trap did).
sshd_stop() {
	for p in $SSHD_PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $SSHD_PIDS; do
		while kill -0 "$p" 2>/dev/null; do sleep 0.1; done
	done
	SSHD_PIDS=
}
trap 'sshd_stop; rm -rf "$TMP"' EXIT

# sshd_one K ADDR PORT NOKEY [CMD...]: start daemon K on ADDR:PORT,
# through CMD (which execs its arguments: ip netns exec NS) when given; 0
# once it listens, 1 when the port was taken, 2 on any other failure.
sshd_one() {
	k=$1 addr=$2 port=$3 nokey=$4; shift 4
	cfg=$SSHD_DIR/sshd_config.$k
	log=$SSHD_DIR/sshd.$k.log
	{
		echo "Port $port"
		echo "ListenAddress $addr"
		echo "HostKey $SSHD_DIR/host_key"
		echo "PidFile none"
		echo "UsePAM no"
		echo "StrictModes no"
		echo "PermitRootLogin prohibit-password"
		echo "PubkeyAuthentication yes"
		if [ "$nokey" = yes ]; then
			echo "AuthorizedKeysFile none"
			echo "PasswordAuthentication yes"
			echo "KbdInteractiveAuthentication yes"
		else
			echo "AuthorizedKeysFile $SSHD_DIR/authorized_keys"
			echo "PasswordAuthentication no"
			echo "KbdInteractiveAuthentication no"
		fi
		echo "MaxStartups 100"
		echo "MaxSessions 100"
		echo "LogLevel VERBOSE"
		[ -z "${SSHD_EXTRA:-}" ] || printf '%s\n' "$SSHD_EXTRA"
	} >"$cfg"
	: >"$log"
	"$@" "$SSHD_BIN" -D -e -f "$cfg" >"$log" 2>&1 &
	pid=$!
	n=0
	while :; do
		if grep -q "Server listening on $addr port $port" "$log"; then
			SSHD_PIDS="$SSHD_PIDS $pid"
			eval "SSHD_PID_$k=$pid SSHD_PORT_$k=$port"
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid" 2>/dev/null
			grep -q "Address already in use" "$log" && return 1
			return 2
		fi
		n=$((n + 1))
		[ "$n" -lt 300 ] || { kill "$pid"; return 2; }
		sleep 0.1
	done
}

sshd_start() {
	count=$1; shift
	nokeys=" $* "
	need_sshd
	mkdir -p "$SSHD_DIR" && chmod 700 "$SSHD_DIR" || exit 1
	# As root, sshd wants its privilege separation directory.
	if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then
		mkdir -p /run/sshd && chmod 755 /run/sshd
	fi
	ssh-keygen -q -t ed25519 -N '' -C stepup-test-host \
	    -f "$SSHD_DIR/host_key" || exit 1
	ssh-keygen -q -t ed25519 -N '' -C stepup-test-user \
	    -f "$SSHD_DIR/id" || exit 1
	cp "$SSHD_DIR/id.pub" "$SSHD_DIR/authorized_keys"
	chmod 600 "$SSHD_DIR/authorized_keys"
	: >"$SSHD_DIR/known_hosts"
	: >"$SSH_CONFIG"
	# Ports from one spread of the test's pid; the next when taken.
	port=$((20000 + ($$ * 7) % 30000))
	k=1
	while [ "$k" -le "$count" ]; do
		case $nokeys in *" $k "*) nokey=yes ;; *) nokey=no ;; esac
		tries=0
		while :; do
			port=$((port + 1))
			sshd_one "$k" 127.0.0.1 "$port" "$nokey"
			case $? in
			0) break ;;
			1) tries=$((tries + 1))
			   [ "$tries" -lt 50 ] || skip "no free port" ;;
			*) skip "sshd did not start: $(tail -3 "$SSHD_DIR/sshd.$k.log")" ;;
			esac
		done
		sshd_host "$k" 127.0.0.1 "$port"
		k=$((k + 1))
	done
}

# sshd_host K ADDR PORT: node K of $SSH_CONFIG is ADDR:PORT, its host key
# known.
sshd_host() {
	case $3 in
	22) printf '%s %s\n' "$2" "$(cut -d' ' -f1-2 "$SSHD_DIR/host_key.pub")" ;;
	*) printf '[%s]:%s %s\n' "$2" "$3" \
	    "$(cut -d' ' -f1-2 "$SSHD_DIR/host_key.pub")" ;;
	esac >>"$SSHD_DIR/known_hosts"
	cat >>"$SSH_CONFIG" <<-EOF
	Host node$1
	  HostName $2
	  Port $3
	  User $(id -un)
	  IdentityFile $SSHD_DIR/id
	  IdentitiesOnly yes
	  IdentityAgent none
	  UserKnownHostsFile $SSHD_DIR/known_hosts
	  GlobalKnownHostsFile /dev/null
	  StrictHostKeyChecking yes
	  LogLevel ERROR
	EOF
}

# sshd_netns K NS ADDR: after sshd_start 0, start daemon K in the network
# namespace NS (ip netns), on ADDR port 22 there, as node K of
# $SSH_CONFIG; stopped by the EXIT trap as the others. As root only.
sshd_netns() {
	sshd_one "$1" "$3" 22 no ip netns exec "$2" ||
		skip "sshd did not start in $2: $(tail -3 "$SSHD_DIR/sshd.$1.log")"
	sshd_host "$1" "$3" 22
}

#!/usr/bin/env python3
# bench/tui-pty.py: the pseudo-terminal harness of the wizard's benchmarks
# (bench/tui-*): runs a program in a 100x30 pty, times its output, counts
# the bytes it writes, and reads its peak RSS and CPU time, beside a
# reference tool run the same way. Usage: tui-pty.py startup|pager|scroll|idle
# SRCDIR BUILDDIR
import os, pty, resource, select, shutil, signal, statistics, struct, sys
import fcntl, tempfile, termios, time

ROWS, COLS = 30, 100


def spawn(argv, env):
    """Start argv in a new pty; returns (pid, master fd, start time)."""
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        try:
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    return pid, fd, t0


def read_quiet(fd, quiet=0.25, limit=30.0, marker=None):
    """Read until marker was seen (if any) and then nothing came for
    `quiet` seconds. Returns (bytes, time of the last byte); the time the
    marker was first seen is kept in read_quiet.seen_at."""
    data, last, seen = b"", time.monotonic(), marker is None
    read_quiet.seen_at = None
    end = time.monotonic() + limit
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], quiet)
        if not r:
            if seen:
                break
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
        last = time.monotonic()
        if not seen and marker in data:
            seen = True
            read_quiet.seen_at = last
    return data, last


def peak_rss(pid):
    """Peak RSS in KB of the program (after exec: not the harness's)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def finish(pid, fd, keys=b"Q"):
    """Send the quitting keys, wait; returns the child's rusage."""
    try:
        os.write(fd, keys)
    except OSError:
        pass
    end = time.monotonic() + 3
    while time.monotonic() < end:
        p, status, ru = os.wait4(pid, os.WNOHANG)
        if p == pid:
            os.close(fd)
            return ru
        try:
            select.select([fd], [], [], 0.05)
            os.read(fd, 65536)
        except OSError:
            time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    _, _, ru = os.wait4(pid, 0)
    os.close(fd)
    return ru


def env_base():
    e = dict(os.environ)
    e.update(TERM="xterm-256color", LC_ALL="C.UTF-8", LESS="", LESSOPEN="")
    e.pop("NO_COLOR", None)
    return e


def world(tmp):
    w = os.path.join(tmp, "world")
    shutil.rmtree(w, ignore_errors=True)
    shutil.rmtree(os.path.join(tmp, "state"), ignore_errors=True)
    os.makedirs(w)
    with open(os.path.join(w, "version"), "w") as f:
        f.write("1.0.0\n")
    e = env_base()
    e.update(STEPUP_TEST_WORLD=w, STEPUP_STATE_DIR=os.path.join(tmp, "state"))
    return e


def startup(src, build, tmp):
    runbook = os.path.join(src, "tests/data/tui/upgrade.yaml")
    items = 11          # the steps of that runbook's run
    reps = 15
    ours, first, theirs = [], [], []
    for _ in range(reps):
        pid, fd, t0 = spawn([os.path.join(build, "stepup"), "run", runbook],
                            world(tmp))
        _, last = read_quiet(fd, marker=b"Installed")
        ours.append(last - t0)
        finish(pid, fd, b"q")
        pid, fd, t0 = spawn([os.path.join(build, "stepup"), "run", runbook],
                            world(tmp))
        read_quiet(fd, marker=b"back")
        first.append(read_quiet.seen_at - t0)
        finish(pid, fd, b"q")
    args = ["dialog", "--checklist", "Steps", "28", "96", "20"]
    for i in range(items):
        args += ["s%d" % i, "Step number %d of the upgrade" % (i + 1), "off"]
    for _ in range(reps):
        pid, fd, t0 = spawn(args, env_base())
        _, last = read_quiet(fd, marker=b"Cancel")
        theirs.append(last - t0)
        finish(pid, fd, b"\x1b\x1b")
    a, b = statistics.median(first), statistics.median(theirs)
    print("start-up to the first complete frame, %d items, median of %d runs"
          % (items, reps))
    print("  %-36s %8.1f ms" % ("stepup run, first frame", a * 1000))
    print("  %-36s %8.1f ms" % ("stepup run, plan drawn (probes)",
          statistics.median(ours) * 1000))
    print("  %-36s %8.1f ms" % ("dialog --checklist", b * 1000))
    print("  ratio stepup/dialog: %.2f (goal <= 1)" % (a / b))


def bigfile(tmp):
    path = os.path.join(tmp, "changelog-100M.txt")
    if not os.path.exists(path):
        line = "%07d " + "x" * 91 + "\n"          # 100 bytes a line
        with open(path, "w") as f:
            for chunk in range(1000):
                f.write("".join(line % (chunk * 1000 + i + 1)
                                for i in range(1000)))
    return path


def pager(src, build, tmp):
    path = bigfile(tmp)
    driver = os.path.join(build, "tests/tui-driver")
    # G typed ahead, as +G is given to less: both go straight to the end.
    pid, fd, t0 = spawn([driver, "reader", path], env_base())
    os.write(fd, b"G")
    _, last = read_quiet(fd, marker=b"(END)")
    ours_t = last - t0
    ours_rss = peak_rss(pid)
    finish(pid, fd)
    pid, fd, t0 = spawn(["less", "+G", path], env_base())
    _, last = read_quiet(fd, marker=b"(END)")
    less_t = last - t0
    less_rss = peak_rss(pid)
    finish(pid, fd, b"q")
    print("open a 100 MB, 1 000 000-line file and show its end")
    print("  %-36s %8.1f ms %8d KB peak RSS" % ("stepup reader, then G",
          ours_t * 1000, ours_rss))
    print("  %-36s %8.1f ms %8d KB peak RSS" % ("less +G", less_t * 1000,
          less_rss))
    print("  ratios stepup/less: time %.2f, memory %.2f (goal <= 1)"
          % (ours_t / less_t, ours_rss / less_rss))


def scroll(src, build, tmp):
    path = bigfile(tmp)
    driver = os.path.join(build, "tests/tui-driver")
    res = []
    for argv, marker, quit in (([driver, "reader", path], b"back", b"Q"),
                               (["less", path], path.encode()[-20:], b"q")):
        pid, fd, _ = spawn(argv, env_base())
        read_quiet(fd, marker=marker)
        counts = []
        for _ in range(10):
            os.write(fd, b"j")
            data, _ = read_quiet(fd, quiet=0.15)
            counts.append(len(data))
        finish(pid, fd, quit)
        res.append(statistics.median(counts))
    print("bytes written to the terminal for one line of scrolling (median of 10)")
    print("  %-36s %8d bytes" % ("stepup reader, j", res[0]))
    print("  %-36s %8d bytes" % ("less, j", res[1]))
    print("  ratio stepup/less: %.2f (goal <= 1)" % (res[0] / res[1]))


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])       # utime + stime


def idle(src, build, tmp):
    runbook = os.path.join(src, "tests/data/tui/upgrade.yaml")
    hz = os.sysconf("SC_CLK_TCK")
    pid, fd, _ = spawn([os.path.join(build, "stepup"), "run", runbook],
                       world(tmp))
    read_quiet(fd, marker=b"back")
    for keys, marker in ((b"\r", b"site"), (b"\r", b"token"),
                         (b"s3cret\r", b"Tell the team")):
        os.write(fd, keys)
        read_quiet(fd, marker=marker)
    before, out = cpu_ticks(pid), b""
    t0 = time.monotonic()
    while time.monotonic() - t0 < 10:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            out += os.read(fd, 65536)
    ours = cpu_ticks(pid) - before
    finish(pid, fd, b"Q")
    args = ["dialog", "--checklist", "Steps", "28", "96", "20"]
    for i in range(11):
        args += ["s%d" % i, "Step %d" % (i + 1), "off"]
    pid, fd, _ = spawn(args, env_base())
    read_quiet(fd, marker=b"Cancel")
    before = cpu_ticks(pid)
    time.sleep(10)
    theirs = cpu_ticks(pid) - before
    finish(pid, fd, b"\x1b\x1b")
    print("CPU time over 10 idle seconds on the checklist")
    print("  %-36s %8.0f ms (%d bytes written)" % ("stepup checklist",
          ours * 1000 / hz, len(out)))
    print("  %-36s %8.0f ms" % ("dialog --checklist", theirs * 1000 / hz))
    print("  goal: 0 ms and 0 bytes")


if __name__ == "__main__":
    mode, src, build = sys.argv[1], sys.argv[2], sys.argv[3]
    for tool in ("dialog", "less"):
        if shutil.which(tool) is None:
            sys.exit("bench: %s is not installed" % tool)
    tmp = os.environ.get("STEPUP_BENCH_TMP") or tempfile.mkdtemp(prefix="stepup-bench.")
    {"startup": startup, "pager": pager, "scroll": scroll, "idle": idle}[mode](
        src, build, tmp)

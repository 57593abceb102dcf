#!/usr/bin/env python3
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# bench/tui-pty.py: the pseudo-terminal harness of the wizard's benchmarks
# (bench/tui-*): runs a program in a 100x30 pty, times its output, counts
# the bytes it writes, and reads its peak RSS and CPU time, beside a
# reference tool run the same way. Usage: tui-pty.py startup|pager|scroll|idle
# SRCDIR BUILDDIR
import os, pty, resource, select, shutil, signal, statistics, struct, sys
import fcntl, re, tempfile, termios, time

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


def table(title, unit, rows, goal):
    """Print rows of (what, ours-or-reference figure) side by side: the
    first row is stepup's, the last the reference tool's; the ratio column
    is each figure over the reference's."""
    ref = rows[-1][1]
    print(title)
    print("  %-40s %12s %8s" % ("", unit, "ratio"))
    for what, v in rows:
        ratio = "%.2f" % (v / ref) if ref else "-"
        print("  %-40s %12.1f %8s" % (what, v, ratio))
    print("  goal: %s" % goal)


def control_bytes(data):
    """Bytes of data that are escape sequences or control characters (the
    rest is text shown)."""
    esc = re.findall(rb"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|.)", data)
    n = sum(len(e) for e in esc)
    rest = re.sub(rb"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|.)", b"", data)
    return n + sum(1 for c in rest if c < 0x20)


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
    ours, first, again, theirs = [], [], [], []
    # A journal as the first start leaves it, for the "journal exists" row.
    pid, fd, t0 = spawn([os.path.join(build, "stepup"), "run", runbook],
                        world(tmp))
    read_quiet(fd, marker=b"back")
    finish(pid, fd, b"q")
    shutil.rmtree(os.path.join(tmp, "state.keep"), ignore_errors=True)
    shutil.copytree(os.path.join(tmp, "state"), os.path.join(tmp, "state.keep"))
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
        # Again with the journal that run made: the everyday start.
        e = world(tmp)
        shutil.copytree(os.path.join(tmp, "state.keep"),
                        os.path.join(tmp, "state"))
        pid, fd, t0 = spawn([os.path.join(build, "stepup"), "run", runbook],
                            e)
        read_quiet(fd, marker=b"back")
        again.append(read_quiet.seen_at - t0)
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
    table("start-up to the first complete frame, %d items, median of %d runs"
          % (items, reps), "ms",
          [("stepup run, first frame", a * 1000),
           ("stepup run, first frame, journal exists",
            statistics.median(again) * 1000),
           ("stepup run, plan drawn (after probes)",
            statistics.median(ours) * 1000),
           ("dialog --checklist", b * 1000)],
          "first frame ratio <= 1")


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
    ours_split = rss_split(pid)
    finish(pid, fd)
    pid, fd, t0 = spawn(["less", "+G", path], env_base())
    _, last = read_quiet(fd, marker=b"(END)")
    less_t = last - t0
    less_rss = peak_rss(pid)
    less_split = rss_split(pid)
    finish(pid, fd, b"q")
    # The floor: stepup's libraries started, nothing of stepup's own.
    pid, fd, t0 = spawn([os.path.join(tmp, "rss-floor")], env_base())
    read_quiet(fd, marker=b"(END)")
    floor_rss = peak_rss(pid)
    floor_split = rss_split(pid)
    finish(pid, fd)
    print("open a 100 MB, 1 000 000-line file and show its end")
    print("  %-36s %10s %8s %14s %8s" % ("", "ms", "ratio", "KB peak RSS",
          "ratio"))
    for what, t, rss in (("stepup reader, then G", ours_t, ours_rss),
                         ("less +G", less_t, less_rss)):
        print("  %-36s %10.1f %8.2f %14d %8.2f" % (what, t * 1000,
              t / less_t, rss, rss / less_rss))
    print("  %-36s %10s %8s %14d %8.2f" % (
          "floor: stepup's libraries, started", "-", "-", floor_rss,
          floor_rss / less_rss))
    for what, split in (("stepup", ours_split), ("less", less_split),
                        ("floor", floor_split)):
        print("  %-36s %s" % ("resident at the end, %s (KB)" % what,
              "  ".join("%s %d" % kv for kv in split)))
    print("  goal: both ratios <= 1; stepup's own part is its RSS over "
          "the floor's: %d KB" % (ours_rss - floor_rss))


def rss_split(pid):
    """The program's resident memory now, split as the kernel counts it:
    anonymous (heap, stack), file-backed (the program and its shared
    libraries, locale files)."""
    out = []
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            for key in ("RssAnon", "RssFile"):
                if line.startswith(key + ":"):
                    out.append((key, int(line.split()[1])))
    return out


def scroll(src, build, tmp):
    """One line of scrolling (j), beside less three ways: with a prompt that
    says what the reader's position indicator says ("line N of T  P%", in
    standout as less shows prompts): the reference; with -M (its own long
    prompt, the file's name included); and plain, whose prompt is a ':'
    that never changes, so nothing but the new line is sent."""
    path = bigfile(tmp)
    driver = os.path.join(build, "tests/tui-driver")
    res, ctl = [], []
    same = ["less", "-m", "-Pmline %lt of %L  %Pt\\%", path]
    for argv, marker, quit in (([driver, "reader", path], b"back", b"Q"),
                               (same, b"0%", b"q"),
                               (["less", "-M", path], b"0%", b"q"),
                               (["less", path], path.encode()[-20:], b"q")):
        pid, fd, _ = spawn(argv, env_base())
        read_quiet(fd, marker=marker)
        counts = []
        for _ in range(10):
            os.write(fd, b"j")
            data, _ = read_quiet(fd, quiet=0.15)
            counts.append((len(data), control_bytes(data)))
        finish(pid, fd, quit)
        counts.sort()
        res.append(counts[len(counts) // 2][0])
        ctl.append(counts[len(counts) // 2][1])
    print("bytes written to the terminal for one line of scrolling "
          "(median of 10)")
    print("  %-40s %12s %8s %8s" % ("", "bytes", "control", "ratio"))
    for what, v, c in (("stepup reader, j", res[0], ctl[0]),
                       ("less, the reader's position as prompt", res[1],
                        ctl[1]),
                       ("less -M (file name, lines, percent)", res[2],
                        ctl[2]),
                       ("less (a constant ':' prompt)", res[3], ctl[3])):
        print("  %-40s %12d %8d %8.2f" % (what, v, c, v / res[1]))
    print("  goal: ratio <= 1 against less showing the same position")
    print("  (the rest of each figure is the new line's text, %d bytes, "
          "and the prompt's)" % (res[3] - ctl[3] - 1))


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


def quick(src, build, tmp):
    """The wizard through N quick actions after one confirmation: time
    from the phrase typed to the Nth exit event in the journal. Prints
    "N SECONDS"."""
    import sqlite3
    runbook, n = os.environ["STEPUP_BENCH_RUNBOOK"], int(os.environ["STEPUP_BENCH_N"])
    state = os.path.join(tmp, "state-wizard")
    shutil.rmtree(state, ignore_errors=True)
    os.makedirs(state)
    env = env_base()
    env["STEPUP_STATE_DIR"] = state
    pid, fd, _ = spawn([os.path.join(build, "stepup"), "run", runbook], env)
    read_quiet(fd, marker=b"begin the run")
    for keys, marker in ((b"\r", b"confirm"), (b"\r", b"type exactly")):
        os.write(fd, keys)
        read_quiet(fd, marker=marker)
    db = sqlite3.connect(os.path.join(state, "journal.db"), timeout=10)
    t0 = time.monotonic()
    os.write(fd, b"go\r")
    done, end = 0, time.monotonic() + 120
    while done < n and time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.002)
        if r:
            try:
                os.read(fd, 65536)
            except OSError:
                break
        try:
            done = db.execute("select count(*) from events where kind = "
                              "'exit'").fetchone()[0]
        except sqlite3.OperationalError:
            pass
    t1 = time.monotonic()
    db.close()
    finish(pid, fd, b"Q")
    print("%d %.4f" % (done, t1 - t0))


def scale(src, build, tmp):
    """The wizard on a big runbook: time from start to the checklist
    drawn (Enter on the plan), the time for 20 j keys (each until the
    frame is out), and peak RSS. Prints "OPEN_S KEYS_S HWM_KB"."""
    runbook = os.environ["STEPUP_BENCH_RUNBOOK"]
    state = os.path.join(tmp, "state-scale")
    shutil.rmtree(state, ignore_errors=True)
    os.makedirs(state)
    env = env_base()
    env["STEPUP_STATE_DIR"] = state
    pid, fd, t0 = spawn([os.path.join(build, "stepup"), "run", runbook], env)
    read_quiet(fd, marker=b"begin the run", limit=120)
    os.write(fd, b"\r")
    t1 = time.monotonic()
    read_quiet(fd, quiet=0.1, marker=b"next step", limit=120)
    opened = read_quiet.seen_at - t1 if read_quiet.seen_at else -1
    t2 = time.monotonic()
    for _ in range(20):
        os.write(fd, b"j")
        read_quiet(fd, quiet=0.05)
    keys = (time.monotonic() - t2 - 20 * 0.05) / 20
    hwm = peak_rss(pid)
    finish(pid, fd, b"Q")
    print("%.4f %.4f %d" % (opened, keys, hwm))


NEEDS = {"scale": ("sh", "stepup"), "quick": ("sh", "stepup"), "startup": ("dialog", "stepup"), "pager": ("less", "tests/tui-driver"),
         "scroll": ("less", "tests/tui-driver"), "idle": ("dialog", "stepup")}

if __name__ == "__main__":
    mode, src, build = sys.argv[1], sys.argv[2], sys.argv[3]
    tool, prog = NEEDS[mode]
    if shutil.which(tool) is None:
        sys.exit("bench: %s needs %s (the reference tool), which is not "
                 "installed" % (mode, tool))
    if not os.access(os.path.join(build, prog), os.X_OK):
        sys.exit("bench: %s needs %s; build it first (./configure && "
                 "make check builds it)" % (mode, os.path.join(build, prog)))
    tmp = os.environ.get("STEPUP_BENCH_TMP") or tempfile.mkdtemp(prefix="stepup-bench.")
    {"startup": startup, "pager": pager, "scroll": scroll, "idle": idle,
     "quick": quick, "scale": scale}[mode](
        src, build, tmp)

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""skiff vs runc vs crun, in one run, interleaved, reported as ratios.

Usage: bench/bench.py [--skiff PATH] [--iterations N] [--runtimes skiff,crun,runc]
                      [--seccomp-profile FILE] [--only memory] [--memory-repeats N]

Measures, per runtime: `run` of /bin/true (wall time), the create / start / delete phases,
peak RSS of the runtime process (wait4's ru_maxrss, which includes the children it reaps),
and the size of its binary. Absolute times on a shared VM are noise; the ratios are the result.

And `run` of /bin/true with a seccomp profile (default: podman's, tests/fixtures/seccomp-podman.json;
FILE is a linux.seccomp object, or a profile in the containers' format with an archMap, converted
for amd64 by tests/integration/seccomp-profile.jq): wall and CPU time (user + system of the runtime
and the processes it reaps) with and without it, and what the profile adds. skiff is measured
twice: with its cache of compiled filters (the steady state: the first run fills it) and with
SKIFF_SECCOMP_CACHE=0 (compiling every time).

Memory footprint (`--only memory` runs just this): the smallest linux.resources.memory.limit at
which `run /bin/true` still succeeds, found by bisection to 4 KiB, --memory-repeats times per
runtime (near the edge the outcome is noisy: the minimum, median and maximum are shown). The
"floor" row is the same bisection for bench/memfloor.c, which only forks and execs busybox true
in a memory cgroup: what the kernel charges for starting a program there, whatever the runtime.
Every cgroup is below /skiff-bench-mem-<pid> (made here, removed at the end, in every hierarchy).

crun 1.8 refuses this machine's hybrid cgroup layout, so the whole benchmark runs in a private
mount namespace with an empty tmpfs over /sys/fs/cgroup/unified (for every runtime alike).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import ctypes

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
DEFAULT_PROFILE = os.path.join(TOP, 'tests', 'fixtures', 'seccomp-podman.json')


def in_private_mountns():
    if os.environ.get('SKIFF_BENCH_NS') == '1':
        return
    os.environ['SKIFF_BENCH_NS'] = '1'
    script = ('mount --make-rprivate / && '
              'if mountpoint -q /sys/fs/cgroup/unified; then mount -t tmpfs none /sys/fs/cgroup/unified; fi && '
              'exec "$0" "$@"')
    os.execvp('unshare', ['unshare', '-m', 'sh', '-c', script, sys.executable] + sys.argv)


def set_subreaper():
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_CHILD_SUBREAPER = 36
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def make_bundle(d, args):
    rootfs = os.path.join(d, 'rootfs')
    os.makedirs(os.path.join(rootfs, 'bin'))
    for sub in ('proc', 'dev', 'sys', 'tmp', 'etc'):
        os.makedirs(os.path.join(rootfs, sub), exist_ok=True)
    shutil.copy('/bin/busybox', os.path.join(rootfs, 'bin', 'busybox'))
    for applet in ('sh', 'true', 'sleep', 'cat'):
        os.symlink('busybox', os.path.join(rootfs, 'bin', applet))
    subprocess.run(['runc', 'spec', '-b', d], check=True)
    cfgp = os.path.join(d, 'config.json')
    cfg = json.load(open(cfgp))
    cfg['process']['terminal'] = False
    cfg['process']['args'] = args
    json.dump(cfg, open(cfgp, 'w'), indent=2)
    return d


MAXRSS = None


def build_maxrss(tmp):
    global MAXRSS
    MAXRSS = os.path.join(tmp, 'maxrss')
    subprocess.run(['cc', '-O2', '-static', '-o', MAXRSS, os.path.join(HERE, 'maxrss.c')], check=True)


def timed(argv, stdin=subprocess.DEVNULL):
    """Wall time of argv (through the maxrss launcher, whose cost is the same for every
    runtime) and argv's peak RSS."""
    dt, rss, _ = timed_cpu(argv, stdin)
    return dt, rss


def timed_cpu(argv, stdin=subprocess.DEVNULL, env=None):
    """timed(), and the CPU time (s) of argv and the children it reaped."""
    # stderr goes to a file: a created container keeps the runtime's stdio open.
    with tempfile.TemporaryFile() as errf:
        r, w = os.pipe()
        t0 = time.perf_counter()
        p = subprocess.Popen([MAXRSS] + argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=errf,
                             pass_fds=(w,), env=dict(os.environ, MAXRSS_FD=str(w), **(env or {})))
        os.close(w)
        p.wait()
        dt = time.perf_counter() - t0
        out = (os.read(r, 64).decode().split() + ['0', '0'])[:2]
        rss, cpu = int(out[0]), int(out[1]) / 1e6
        os.close(r)
        errf.seek(0)
        err = errf.read().decode(errors='replace')
    if p.returncode != 0:
        raise RuntimeError('%s failed (%d): %s' % (' '.join(argv), p.returncode, err.strip()))
    return dt, rss, cpu


def load_profile(path):
    """linux.seccomp from FILE: as it is, or converted from the containers' format."""
    prof = json.load(open(path))
    if 'archMap' in prof:
        prof = json.loads(subprocess.run(
            ['jq', '-f', os.path.join(TOP, 'tests', 'integration', 'seccomp-profile.jq'), path],
            check=True, capture_output=True, text=True).stdout)
    return prof


def report_seccomp(names, res, path):
    """The seccomp row: medians with and without the profile, what it adds, ratios."""
    med = {n: {k: statistics.median(v) * 1e3 for k, v in res[n].items()} for n in names}
    # "adds": the median of the differences of runs made back to back (less noisy on a shared
    # machine than the difference of the medians).
    for n in names:
        for k in ('run', 'cpu'):
            med[n]['adds_' + k] = statistics.median(
                b - a for a, b in zip(res[n][k], res[n][k + '_sc'])) * 1e3
    label = "podman's seccomp profile" if path == DEFAULT_PROFILE else 'seccomp profile ' + path
    print()
    print('run /bin/true with %s: medians (ms); "adds" = with minus without (median of pairs)' % label)
    print('%-17s %9s %9s %9s %9s %9s %9s' % ('runtime', 'run', '+profile', 'adds', 'cpu', '+profile',
                                            'adds cpu'))
    for n in names:
        m = med[n]
        print('%-17s %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f' % (
            n, m['run'], m['run_sc'], m['adds_run'], m['cpu'], m['cpu_sc'], m['adds_cpu']))
    if 'skiff' in names:
        for peer in names:
            if peer.startswith('skiff'):
                continue
            print('skiff/%s ratios with the profile: run %.2f  cpu %.2f' % (
                peer, med['skiff']['run_sc'] / med[peer]['run_sc'], med['skiff']['cpu_sc'] / med[peer]['cpu_sc']))


MEM_STEP = 4096
CG_MOUNT = '/sys/fs/cgroup'


def cg_hierarchies():
    """The mount points of the cgroup hierarchies (v1 controllers, cgroup2)."""
    out = []
    for line in open('/proc/self/mountinfo'):
        pre, _, post = line.partition(' - ')
        fstype, mnt = post.split()[0], pre.split()[4]
        if fstype in ('cgroup', 'cgroup2') and (mnt + '/').startswith(CG_MOUNT + '/'):
            out.append(mnt)
    return out


def cg_remove_tree(rel):
    """Remove /rel (and what is below it) from every hierarchy, deepest first."""
    for h in cg_hierarchies():
        top = os.path.join(h, rel)
        if not os.path.isdir(top):
            continue
        for d, _, _ in sorted(os.walk(top), key=lambda t: -t[0].count('/')):
            for _ in range(50):
                try:
                    os.rmdir(d)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)


def memory_probe_runtime(path, root, bundle, base_cfg, cgparent, n, limit):
    """Whether `run /bin/true` succeeds in a new cgroup with this memory limit."""
    cfg = json.loads(json.dumps(base_cfg))
    cfg['linux']['cgroupsPath'] = '/%s/p%d' % (cgparent, n)
    cfg['linux'].setdefault('resources', {})['memory'] = {'limit': limit}
    json.dump(cfg, open(os.path.join(bundle, 'config.json'), 'w'))
    cid = 'skiff-bench-mem-%d' % n
    try:
        p = subprocess.run([path, '--root', root, 'run', '--bundle', bundle, cid], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        ok = p.returncode == 0
    except subprocess.TimeoutExpired:
        ok = False
    subprocess.run([path, '--root', root, 'delete', '-f', cid], capture_output=True)
    reap()
    cg_remove_tree('%s/p%d' % (cgparent, n))
    return ok


def memory_probe_floor(memfloor, busybox, cgparent, n, limit):
    """Whether memfloor starts busybox true in a new memory cgroup with this limit."""
    d = os.path.join(CG_MOUNT, 'memory', cgparent, 'p%d' % n)
    os.makedirs(d)
    try:
        with open(os.path.join(d, 'memory.limit_in_bytes'), 'w') as f:
            f.write(str(limit))
        p = subprocess.run([memfloor, os.path.join(d, 'cgroup.procs'), busybox, 'true'],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=60)
        return p.returncode == 0
    finally:
        cg_remove_tree('%s/p%d' % (cgparent, n))


def bisect_limit(probe, hi=16 << 20):
    """The smallest limit (a multiple of MEM_STEP) at which probe(limit) succeeds, assuming
    it fails below and succeeds above (near the edge it is noisy: one bisection, one answer)."""
    while not probe(hi):
        hi *= 2
        if hi > 1 << 30:
            raise RuntimeError('does not start even with a 1 GiB memory limit')
    lo = 0  # fails
    while hi - lo > MEM_STEP:
        mid = (lo + hi) // 2 // MEM_STEP * MEM_STEP
        if probe(mid):
            hi = mid
        else:
            lo = mid
    return hi


def memory_rows(names, paths, tmp, repeats):
    """The memory footprint rows (see the module's doc)."""
    if not os.path.isdir(os.path.join(CG_MOUNT, 'memory')):
        print('memory footprint: skipped (no cgroup v1 memory hierarchy at %s/memory)' % CG_MOUNT)
        return
    memfloor = os.path.join(tmp, 'memfloor')
    subprocess.run(['cc', '-O2', '-static', '-o', memfloor, os.path.join(HERE, 'memfloor.c')], check=True)
    busybox = shutil.which('busybox') or '/bin/busybox'
    rootfs = os.path.join(tmp, 'membundle', 'rootfs')
    make_bundle(os.path.join(tmp, 'membundle'), ['/bin/true'])
    base_cfg = json.load(open(os.path.join(tmp, 'membundle', 'config.json')))
    base_cfg['root'] = {'path': rootfs, 'readonly': True}
    cgparent = 'skiff-bench-mem-%d' % os.getpid()
    os.makedirs(os.path.join(CG_MOUNT, 'memory', cgparent))
    rows = names + ['floor']
    res = {n: [] for n in rows}
    counter = [0]

    def next_n():
        counter[0] += 1
        return counter[0]

    try:
        for i in range(repeats):
            for n in rows[i % len(rows):] + rows[:i % len(rows)]:
                if n == 'floor':
                    probe = lambda lim: memory_probe_floor(memfloor, busybox, cgparent, next_n(), lim)
                else:
                    bundle = os.path.join(tmp, 'membundle-' + n)
                    os.makedirs(bundle, exist_ok=True)
                    root = os.path.join(tmp, 'memroot-' + n)
                    probe = (lambda lim, n=n, bundle=bundle, root=root:
                             memory_probe_runtime(paths[n], root, bundle, base_cfg, cgparent, next_n(), lim))
                res[n].append(bisect_limit(probe))
    finally:
        cg_remove_tree(cgparent)
    print('memory footprint: smallest linux.resources.memory.limit at which `run /bin/true` succeeds '
          '(KiB; %d bisections to %d KiB each)' % (repeats, MEM_STEP // 1024))
    print('%-8s %9s %9s %9s' % ('runtime', 'min', 'median', 'max'))
    for n in rows:
        v = sorted(res[n])
        print('%-8s %9d %9d %9d' % (n, v[0] // 1024, statistics.median(v) // 1024, v[-1] // 1024))
    if 'skiff' in names:
        for peer in names:
            if peer != 'skiff':
                print('skiff/%s memory ratio (medians): %.2f' % (
                    peer, statistics.median(res['skiff']) / statistics.median(res[peer])))
        print('skiff above the floor (medians): %d KiB' % (
            (statistics.median(res['skiff']) - statistics.median(res['floor'])) // 1024))


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--skiff', default=os.path.join(TOP, 'build', 'skiff'))
    ap.add_argument('--iterations', type=int, default=30)
    ap.add_argument('--runtimes', default='skiff,crun,runc')
    ap.add_argument('--seccomp-profile', default=DEFAULT_PROFILE, metavar='FILE',
                    help='linux.seccomp JSON for the seccomp row (default: podman\'s)')
    ap.add_argument('--only', choices=['memory'], help='run only this part')
    ap.add_argument('--memory-repeats', type=int, default=3, help='bisections per runtime (memory)')
    a = ap.parse_args()
    a.seccomp_profile = os.path.abspath(a.seccomp_profile)
    in_private_mountns()
    set_subreaper()
    paths = {'skiff': os.path.abspath(a.skiff), 'crun': shutil.which('crun'), 'runc': shutil.which('runc')}
    names = [n for n in a.runtimes.split(',') if paths.get(n)]
    tmp = tempfile.mkdtemp(prefix='skiff-bench-')
    if a.only == 'memory':
        try:
            memory_rows(names, paths, tmp, a.memory_repeats)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    try:
        build_maxrss(tmp)
        bundle = make_bundle(os.path.join(tmp, 'bundle'), ['/bin/true'])
        roots = {n: os.path.join(tmp, 'root-' + n) for n in names}
        res = {n: {'run': [], 'create': [], 'start': [], 'delete': [], 'rss': [], 'exec': []} for n in names}
        # One long-running container per runtime for `exec /bin/true`.
        sleeper = make_bundle(os.path.join(tmp, 'sleeper'), ['sleep', '100000'])
        # The seccomp row: the same /bin/true bundle with the profile.
        scbundle = make_bundle(os.path.join(tmp, 'seccomp'), ['/bin/true'])
        cfgp = os.path.join(scbundle, 'config.json')
        cfg = json.load(open(cfgp))
        cfg['linux']['seccomp'] = load_profile(a.seccomp_profile)
        json.dump(cfg, open(cfgp, 'w'))
        scnames = names + (['skiff (no cache)'] if 'skiff' in names else [])
        scres = {n: {'run': [], 'cpu': [], 'run_sc': [], 'cpu_sc': []} for n in scnames}
        for n in names:
            subprocess.run([paths[n], '--root', roots[n], 'run', '-d', '--bundle', sleeper, 'skiff-bench-exec'],
                           check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        for i in range(a.iterations):
            order = names[i % len(names):] + names[:i % len(names)]  # interleaved, rotating
            for n in order:
                r, root = paths[n], roots[n]
                cid = 'skiff-bench-%s-%d' % (n, i)
                dt, rss = timed([r, '--root', root, 'run', '--bundle', bundle, cid])
                res[n]['run'].append(dt)
                res[n]['rss'].append(rss)
                # Phases: create, start (/bin/true then exits), delete.
                cid2 = cid + '-p'
                dt, _ = timed([r, '--root', root, 'create', '--bundle', bundle, cid2])
                res[n]['create'].append(dt)
                dt, _ = timed([r, '--root', root, 'start', cid2])
                res[n]['start'].append(dt)
                for _ in range(200):  # wait for /bin/true to end (we are its subreaper)
                    st = subprocess.run([r, '--root', root, 'state', cid2], capture_output=True, text=True)
                    if '"stopped"' in st.stdout:
                        break
                    reap()
                    time.sleep(0.002)
                dt, _ = timed([r, '--root', root, 'delete', cid2])
                res[n]['delete'].append(dt)
                dt, _ = timed([r, '--root', root, 'exec', 'skiff-bench-exec', '/bin/true'])
                res[n]['exec'].append(dt)
                reap()
                # With and without the seccomp profile, back to back (skiff also without its cache).
                for sn, env in ((n, None),) + ((('skiff (no cache)', {'SKIFF_SECCOMP_CACHE': '0'}),)
                                               if n == 'skiff' else ()):
                    # In turn first and second: a run pays for the previous one's teardown
                    # (the kernel frees a network namespace in the background).
                    pair = (('', bundle), ('_sc', scbundle))
                    for suffix, b in (pair if i % 2 else pair[::-1]):
                        dt, _, cpu = timed_cpu([r, '--root', root, 'run', '--bundle', b, cid + suffix], env=env)
                        scres[sn]['run' + suffix].append(dt)
                        scres[sn]['cpu' + suffix].append(cpu)
                    cid += '-c'
                reap()
        med = {n: {k: statistics.median(v) for k, v in res[n].items()} for n in names}
        print('benchmark: %d iterations, interleaved; medians (ms), peak RSS (KiB), binary size (KiB)' % a.iterations)
        print('%-8s %9s %9s %9s %9s %9s %9s %9s' % ('runtime', 'run', 'create', 'start', 'delete', 'exec', 'rss',
                                                 'size'))
        for n in names:
            m = med[n]
            print('%-8s %9.2f %9.2f %9.2f %9.2f %9.2f %9d %9d' % (
                n, m['run'] * 1e3, m['create'] * 1e3, m['start'] * 1e3, m['delete'] * 1e3, m['exec'] * 1e3,
                m['rss'], os.path.getsize(paths[n]) // 1024))
        if 'skiff' in names:
            for peer in names:
                if peer == 'skiff':
                    continue
                print('skiff/%s ratios: run %.2f  create %.2f  start %.2f  delete %.2f  exec %.2f  rss %.2f  size %.2f' % (
                    peer, med['skiff']['run'] / med[peer]['run'], med['skiff']['create'] / med[peer]['create'],
                    med['skiff']['start'] / med[peer]['start'], med['skiff']['delete'] / med[peer]['delete'],
                    med['skiff']['exec'] / med[peer]['exec'],
                    med['skiff']['rss'] / med[peer]['rss'],
                    os.path.getsize(paths['skiff']) / os.path.getsize(paths[peer])))
        report_seccomp(scnames, scres, a.seccomp_profile)
        memory_rows(names, paths, tmp, a.memory_repeats)
    finally:
        for n in names:
            subprocess.run([paths[n], '--root', roots[n], 'delete', '-f', 'skiff-bench-exec'], capture_output=True)
            subprocess.run([paths[n], '--root', roots[n], 'list', '-q'], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()

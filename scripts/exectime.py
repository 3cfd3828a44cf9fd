"""exectime.py N PROG...: median wall time of fork+exec+wait of each program, N runs each,
with os.posix_spawn (no shell, standard output to /dev/null). Prints microseconds. Used by scripts/measure.sh."""
import os
import statistics
import sys
import time

n = int(sys.argv[1])
quiet = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
for prog in sys.argv[2:]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        pid = os.posix_spawn(prog, [prog], {}, file_actions=quiet)
        _, status = os.waitpid(pid, 0)
        times.append(time.perf_counter_ns() - t0)
        if status != 0:
            sys.exit(f"{prog} exited with status {status}")
    times.sort()
    print(f"{os.path.basename(prog):14s} median {statistics.median(times) / 1000:8.1f} us   p10 {times[n // 10] / 1000:8.1f} us")

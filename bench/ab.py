#!/usr/bin/env python3
"""Compare two commands' whole-process wall times in pairs run in random order.

    python3 bench/ab.py [-n PAIRS] -- COMMAND_A ... :: COMMAND_B ...

Each pair runs A and B once, in an order drawn at random, so that a drift in
the machine's speed and the position in a pair (the second of two runs
finds caches warm, a virtual machine's other core awake) reach both alike;
a fixed order gave differences of up to 0.3 ms either way between identical
programs on the 2-core test VM. Prints the medians of A and B and the median
of the paired differences B - A with a 95% bootstrap interval. For changes
of a few percent, where bench.py's separate medians cannot tell: build the
two programs, then compare them on the same input and output paths.
"""
import random
import statistics
import subprocess
import sys
import time


def run(cmd):
    """Wall time of one run of CMD in ms (output discarded)."""
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - t) * 1000


def main(argv):
    pairs = 300
    if len(argv) > 2 and argv[1] == "-n":
        pairs = int(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) < 2 or argv[1] != "--" or "::" not in argv:
        sys.exit(__doc__)
    rest = argv[2:]
    cut = rest.index("::")
    cmd_a, cmd_b = rest[:cut], rest[cut + 1:]
    if not cmd_a or not cmd_b:
        sys.exit(__doc__)
    run(cmd_a)  # warm-up of each
    run(cmd_b)
    ta, tb = [], []
    for _ in range(pairs):
        if random.random() < 0.5:
            ta.append(run(cmd_a))
            tb.append(run(cmd_b))
        else:
            tb.append(run(cmd_b))
            ta.append(run(cmd_a))
    diff = [b - a for a, b in zip(ta, tb)]
    boot = sorted(statistics.median(random.choices(diff, k=len(diff))) for _ in range(2000))
    print("A %.2f ms  B %.2f ms  (medians of %d runs each)" % (statistics.median(ta), statistics.median(tb), pairs))
    print("B - A: median %.3f ms, 95%% interval [%.3f, %.3f]" % (statistics.median(diff), boot[50], boot[1949]))


if __name__ == "__main__":
    main(sys.argv)

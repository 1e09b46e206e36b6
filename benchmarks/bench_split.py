"""Time the best split for 60 components, 8 vendors and 5 critical sets.

    python benchmarks/bench_split.py [--instances 5] [--repeat 3] [--exact-seconds 10]

Each instance is a realistic engagement drawn from a fixed seed (so every run times the same
problems): 60 components in 8 subsystems, kinds weighted as in an electronics product (mostly
hardware and mechanical, then firmware, test, software, process), scores drawn 1-5 with the
reverse-engineering score leaning low, so about one in ten components is kept in-house by the
shipped policy; 8 vendors (3 contract manufacturers, 2 design firms, an ODM, 2 test houses);
5 critical sets of three components of one subsystem each; today's assignment a random one
of vendors able to make each component, with 3 pins. The policy is the shipped one
(templates/policies/firewall.yaml), so its split tolerance (0.01 of the engagement's
knowledge) applies.

Measured, in this process, after one untimed solve that imports scipy (its import time is
reported on its own): `analysis.split_solver.solve_split` per instance, --repeat times, wall
clock and CPU time. HiGHS works in one thread here (its other threads stay idle), so the CPU
time is what the split takes on this machine when nothing else runs; on the shared 2-core
machine the wall clock is roughly that times (load average / cores) and mostly measures other
people's work. The requirement (a split in under 1 s) is therefore held against the median
CPU time of each instance; the exit status is 1 when any is over it. Both are printed, with
the load average before and after.

For information, each instance's linear relaxation is timed the same way (one LP over the
same program: no exact method can take less), and, with --exact-seconds, the exact problem
(tolerance 0) is given that long and its remaining gap reported. Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from firstfile.analysis.split_solver import relaxed, solve_program, solve_split  # noqa: E402
from firstfile.domain.risk.assessment import RiskInputs  # noqa: E402
from firstfile.domain.risk.exposure import Assignment, CriticalSet  # noqa: E402
from firstfile.domain.risk.policy import FirewallPolicy  # noqa: E402
from firstfile.domain.risk.split import split_problem, split_program  # noqa: E402
from firstfile.domain.risk.tree import ComponentNode, scored  # noqa: E402
from firstfile.domain.risk.vendor_risk import RiskVendor  # noqa: E402
from firstfile.services.firewall_policy import load_policy  # noqa: E402

COMPONENTS = 60
SUBSYSTEMS = 8
CRITICAL_SETS = 5
KIND_WEIGHTS = {
    "hardware": 30,
    "mechanical": 20,
    "firmware": 18,
    "test": 12,
    "software": 12,
    "process": 8,
}
VENDOR_KINDS = (
    "contract-manufacturer",
    "contract-manufacturer",
    "contract-manufacturer",
    "design-firm",
    "design-firm",
    "odm",
    "test-house",
    "test-house",
)
TARGET_SECONDS = 1.0


def engagement(seed: int, policy: FirewallPolicy) -> RiskInputs:
    """One engagement of 60 components in 8 subsystems, 8 vendors, 5 critical sets."""
    rng = random.Random(seed)
    nodes = [
        ComponentNode(
            f"sub{s}",
            f"Subsystem {s}",
            "hardware",
            scored(rng.randint(2, 5), rng.randint(2, 5), rng.randint(1, 3)),
        )
        for s in range(SUBSYSTEMS)
    ]
    kinds, weights = zip(*KIND_WEIGHTS.items(), strict=True)
    for i in range(COMPONENTS):
        nodes.append(
            ComponentNode(
                f"c{i:02d}",
                f"Component {i}",
                rng.choices(kinds, weights)[0],
                scored(rng.randint(1, 5), rng.randint(1, 5), rng.choice((1, 1, 2, 2, 3, 4, 5))),
                parent=f"sub{i % SUBSYSTEMS}",
            )
        )
    vendors = tuple(RiskVendor(f"v{j}", f"Vendor {j}", kind) for j, kind in enumerate(VENDOR_KINDS))
    leaves = nodes[SUBSYSTEMS:]
    sets = []
    for s in range(CRITICAL_SETS):
        members = [n.key for n in leaves if n.parent == f"sub{s}"]
        sets.append(CriticalSet(f"cs{s}", f"critical set {s}", tuple(rng.sample(members, 3))))
    assignments = []
    for index, n in enumerate(leaves):
        able = [v.key for v in vendors if policy.can_make(v.kind, n.kind)]
        assignments.append(Assignment(n.key, rng.choice(able), pinned=index % 20 == 7))
    return RiskInputs(f"bench-{seed}", tuple(nodes), vendors, tuple(assignments), tuple(sets))


def timed(action: object) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instances", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--exact-seconds", type=float, default=0.0)
    args = parser.parse_args()
    policy = load_policy()
    load_before = os.getloadavg()
    warm = engagement(10_000, policy)
    import_wall, _, _ = timed(lambda: __import__("scipy.optimize"))
    timed(lambda: solve_split(warm, policy))
    print(f"scipy.optimize import: {import_wall * 1000:.0f} ms (once per process)")
    print(f"policy split tolerance: {policy.split_tolerance:g} of the engagement's knowledge")
    print()
    header = (
        f"{'instance':<9}{'placed':>7}{'today':>8}{'split':>8}{'bound':>8}{'moves':>6}"
        f"{'wall ms':>9}{'cpu ms':>8}{'LP ms':>7}"
    )
    print(header)
    worst = 0.0
    worst_wall = 0.0
    for seed in range(args.instances):
        inputs = engagement(seed, policy)
        problem = split_problem(inputs, policy)
        walls, cpus = [], []
        result = None
        for _ in range(args.repeat):
            wall, cpu, result = timed(lambda inputs=inputs: solve_split(inputs, policy))
            walls.append(wall)
            cpus.append(cpu)
        lp = relaxed(split_program(problem))
        lp_wall = statistics.median(
            timed(lambda lp=lp: solve_program(lp))[0] for _ in range(args.repeat)
        )
        assert result is not None
        wall = statistics.median(walls)
        worst_wall = max(worst_wall, wall)
        worst = max(worst, statistics.median(cpus))
        print(
            f"{seed:<9}{len(problem.placed):>7}{result.current.max_exposure:>8.3f}"
            f"{result.suggested.max_exposure:>8.3f}{result.lower_bound:>8.3f}"
            f"{len(result.moves):>6}{wall * 1000:>9.0f}{statistics.median(cpus) * 1000:>8.0f}"
            f"{lp_wall * 1000:>7.0f}"
        )
        if args.exact_seconds > 0:
            exact_wall, _, exact = timed(
                lambda inputs=inputs: solve_split(
                    inputs, policy, tolerance=0.0, time_limit=args.exact_seconds
                )
            )
            state = "proven best" if exact.proven_optimal else "not proven"
            print(
                f"{'':<9}exact: {exact.suggested.max_exposure:.4f}, bound "
                f"{exact.lower_bound:.4f}, {state} after {exact_wall:.1f} s"
            )
    load_after = os.getloadavg()
    print()
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}; "
        f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}"
    )
    verdict = "pass" if worst < TARGET_SECONDS else "MISS"
    print(
        f"slowest median CPU time: {worst * 1000:.0f} ms (wall clock {worst_wall * 1000:.0f} ms); "
        f"target under {TARGET_SECONDS * 1000:.0f} ms: {verdict}"
    )
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())

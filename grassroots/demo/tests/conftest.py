"""Fixtures of the demo's tests."""

from __future__ import annotations

from grassroots.demo.seed import seed_demo
from grassroots.testing.snapshots import shared_world

# The demo borough, seeded once for the demo's test modules (seeding takes seconds) and handed
# to each test as if seeded just before it (grassroots/testing/snapshots.py). A test that checks
# a re-run seeds again on top of it, as on any seeded database; tests of seeding an empty
# database, or of only some steps, call `seed_demo` themselves (the borough is rolled back for
# them and seeded again for the next test that asks for it). Package scope: one seed serves
# every module in a row that only reads the borough or re-seeds it once
# (docs/decisions/0019-slow-tests-once.md).
seeded_snapshot, seeded = shared_world(seed_demo, name="seeded", scope="package")

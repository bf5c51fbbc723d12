"""Moves the wall clock of every Python process a test starts with ``XYD_TEST_CLOCK_OFFSET``.

Python imports ``sitecustomize`` at start-up from the first folder on its path that has one;
``tests.clock.travelling_env`` puts this folder first, so ``xyd`` commands, workers and the bank
simulators they start read the same moved clock (real time plus the offset, ticking on), while
monotonic clocks, sleeps and timeouts keep the real pace. Nothing outside the tests sets it.
"""

import os

_OFFSET = os.environ.get("XYD_TEST_CLOCK_OFFSET")
if _OFFSET:
    from datetime import UTC, datetime, timedelta

    import time_machine

    _TRAVEL = time_machine.travel(datetime.now(UTC) + timedelta(seconds=float(_OFFSET)), tick=True)
    _TRAVEL.start()
    # time-machine starts the moved clock ticking at its first reading, not at start(): read it
    # now, or a process that first asks the time after a long import would run behind the others
    datetime.now(UTC)

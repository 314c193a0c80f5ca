"""Leidraadbot's benchmarks: every path that people wait for, next to its floor.

    python -m benchmarks [--quick] [--json FILE] [--only dialogue,reports,reminders,slack,teams,startup]

Each benchmark builds its own data in a temporary folder and adds rows to one table: p50 and p99
in ms, and where a path has a floor (a bare SQLite commit, the platform's own latency) the ratio
to that floor, measured in the same run. Not part of the test suite: timings belong to a machine,
not to a pass or a fail.
"""

"""Measurements for `manage.py benchmark`. Each area adds a module here with a function
`measure(context: BenchContext) -> dict[str, float | int]`; the command runs them all and
prints one JSON line. Speed is reported, never asserted in tests."""

"""The pure core of smartsmm: metrics, periods, SMART checks, progress, audit and forecasting.

Nothing in this package imports Django (a test enforces it), so every rule here is unit-tested
without a database and can be reused by the CLI, the web app, reports and benchmarks alike.
"""

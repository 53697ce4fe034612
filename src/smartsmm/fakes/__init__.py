"""Local fake servers of the platforms smartsmm collects from, for the tests and the demo.

Each module is self-contained (standard library only, no Django), so it can also run as a
separate process, e.g. ``python -m smartsmm.fakes.vk --port 8765``. Nothing is re-exported here
on purpose: importing a submodule from the package ``__init__`` would make ``python -m`` warn
that the module was already imported.
"""

"""The `cocon` command: one module per command group, each holding a practice through the services, never Qt.

`__main__.py` is the entry (`cocon`, `python -m cocon_desktop.cli`): it silences other packages' warnings before
importing `main.py`, which builds the parser from each group's `register(sub)`. This file stays empty of imports.
"""

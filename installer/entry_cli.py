"""PyInstaller entry of the command (`cocon`): the same as the `cocon` console script."""

import multiprocessing
import sys

from cocon_desktop.cli.__main__ import main

if __name__ == "__main__":
    # a worker process of an invoice run (documents/render_pool.py, "spawn") starts this executable again:
    # freeze_support runs the worker instead of a second program
    multiprocessing.freeze_support()
    sys.exit(main())

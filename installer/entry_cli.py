"""PyInstaller entry of the command (`cocon`): the same as the `cocon` console script."""

import sys

from cocon_desktop.cli.__main__ import main

sys.exit(main())

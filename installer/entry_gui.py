"""PyInstaller entry of the program (`cocon-desktop`): the same as `python -m cocon_desktop`."""

import sys

from cocon_desktop.__main__ import main

sys.exit(main())

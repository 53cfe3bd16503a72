"""The Qt floor: PySide6 is imported only here (and in app.py, __main__.py)."""

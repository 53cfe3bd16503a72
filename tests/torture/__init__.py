"""Crash torture: a worker records séances and issues invoices through the real services; a driver kills it with
SIGKILL at random moments, then checks the practice (see driver.py). `python -m tests.torture --runs 200`."""

"""COCON Desktop: the therapist's program for the COCON pathway (soins précoces du nouveau-né vulnérable)."""

from cocon_exchange import __version__ as __version__  # one version for the distribution

"""COCON Desktop: the therapist's program for the COCON pathway (soins précoces du nouveau-né vulnérable)."""

__version__ = "0.1.0"

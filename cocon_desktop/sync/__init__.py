"""Batch files, their verification, the protocol with the regional network and its reference receiver (no Qt)."""

"""Ratio benchmarks (`make bench`): each figure is compared with a baseline measured in the same run."""

"""What the practice's program and the network's side share, and nothing else: the batch file format
(`batch_format`, `acts_csv`, `manifest_schema` and `schemas/`, `manifest_signature`), its verification
(`batch_checks`, `batch_verify`, with the PDF-signature, Factur-X and certificate readers they need) and the sync
protocol (`protocol`). Never Qt, never `cocon_desktop` nor `cocon_network`: `tests/unit/test_layering.py` checks it.
"""

__version__ = "0.1.0"  # of the distribution both sides ship in (pyproject.toml); cocon_desktop.__version__ is this

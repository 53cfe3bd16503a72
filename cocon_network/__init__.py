"""The network's side of the exchange: today the reference receiver of the sync protocol (`python -m cocon_network`),
which a later issue grows into the network's server. Never Qt, never the practice program's UI."""

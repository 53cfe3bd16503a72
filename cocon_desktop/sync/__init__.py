"""The practice's side of the sync protocol: the HTTP client that pushes batches and reads their state (no Qt).

The batch format, its verification and the protocol itself are in cocon_exchange/, shared with the network's side."""

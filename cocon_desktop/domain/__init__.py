"""Pure rules of the COCON pathway: no I/O, no Qt."""

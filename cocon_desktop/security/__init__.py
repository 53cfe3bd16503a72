"""The practice vault: key derivation, key wrapping, recovery key, OS keychain."""

"""Site-wide operations: health, outages, client addresses, sealed sessions."""

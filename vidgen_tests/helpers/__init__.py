"""What several test modules share: servers that speak a real protocol on 127.0.0.1, and helpers."""

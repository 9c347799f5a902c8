"""The kernel: what every domain uses and that knows no domain."""

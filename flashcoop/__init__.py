"""flashcoop: run short-lived cooperatives, from launch to closure."""

__version__ = "0.1.0"

"""firstfile: keep your inventions when you outsource manufacturing or design."""

__version__ = "0.1.0"

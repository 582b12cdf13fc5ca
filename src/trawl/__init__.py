"""trawl: one Ovid search strategy, every database of a systematic review, with provenance."""

__version__ = "0.1.0"

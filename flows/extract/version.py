"""The extractor's version, in a module of its own: the pipeline reads it at the start of
every run, and importing the extractor itself (its patterns and gazetteers) for that would
cost the main process a few tenths of a second it may not otherwise spend."""

# Bump when extraction rules change: stored articles are re-extracted by the next run.
EXTRACTOR_VERSION = "0.1.0"

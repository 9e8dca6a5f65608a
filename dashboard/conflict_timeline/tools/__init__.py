"""Curation and maintenance tools: gazetteer look-ups, synthetic data, benchmarks."""

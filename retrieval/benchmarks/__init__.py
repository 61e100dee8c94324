"""Evaluation datasets and index building for the retrieval benchmarks (used by eval.retrieval_eval and
bench)."""

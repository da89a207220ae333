"""Benchmarks and national-scale data generators. Not part of `make test`: run `python -m bench`."""

"""Synthetic stand-ins for the published files, for tests and benchmarks.

``crossings.sample.idb.generator`` writes a synthetic FJC criminal defendants file
(``cr96on.txt``, optionally in a Deflate64 ``cr96on.zip``) in the exact
published layout; ``crossings.sample.idb.sas`` splits the same rows into the
FJC's yearly SAS files; ``crossings.sample.zipwrite`` is the deterministic
Deflate64 zip writer both use. Every synthetic row carries
``SOURCE = "SYNTHETIC"`` so a store built from it says so.
"""

"""realpolitik.analysis layer."""

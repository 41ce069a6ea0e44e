"""realpolitik.simulation layer."""

"""realpolitik.scenario layer."""

"""realpolitik.models layer."""

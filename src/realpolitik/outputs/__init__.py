"""realpolitik.outputs layer."""

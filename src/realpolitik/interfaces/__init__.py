"""realpolitik.interfaces layer."""

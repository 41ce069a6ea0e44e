"""Allow ``python -m realpolitik``."""

from realpolitik.interfaces.cli import main

main()

"""The installed package's version, in a module that imports nothing of realpolitik.

Every layer may name the version that made a result (manifests, figure
footers) without importing the root package, which would pull the whole
public API, the interfaces included, in behind it.
"""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("realpolitik")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

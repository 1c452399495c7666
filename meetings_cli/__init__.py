"""meetings: a command-line query tool over a curated dataset of defence-diplomacy meetings."""

__version__ = "0.1.0"

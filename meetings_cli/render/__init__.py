"""Output: `records` turns the dataset into JSON-shaped dicts, `formats` writes
them as JSON, JSON Lines and CSV, and `tables` draws them with Rich.

`formats` and `tables` work on those dicts alone, so the cache can feed them
stored records without loading the dataset; Rich is imported only when a table
is drawn.
"""

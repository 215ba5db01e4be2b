"""`vidgen serve`: the web pages to watch, share and upload."""

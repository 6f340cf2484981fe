"""Fact sheets: two printable, cited pages (HTML and PDF), in English and Spanish."""

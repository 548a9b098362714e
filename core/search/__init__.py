"""The search engine: filters, queries, the index, text matching, clustering and places."""

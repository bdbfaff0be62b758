"""Reading exports (readers, columns, ingest) and writing the output tables (store)."""

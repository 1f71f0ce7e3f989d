"""The demo region (`opora demo`): Tambov region with generated schools, staff and accounts."""

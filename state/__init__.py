"""The state stores: the `StateStore` Protocol (`state.base`), the SQLite backend (the embedded
default) and the PostgreSQL backend, and `dealgate state migrate` between them."""

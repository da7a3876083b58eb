"""CRM connectors: one Protocol (`connector.base`), one error tree (`connector.errors`)."""

"""HubSpot connector tests: pure tables first, then the sandbox over real HTTP."""

"""arkitektur."""

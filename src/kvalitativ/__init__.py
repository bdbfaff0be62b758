"""kvalitativ."""

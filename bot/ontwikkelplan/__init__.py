"""The Lokaal meerjarig ontwikkelplan (Bijlage 3): ontwikkelpunten, their history, and forms."""

"""profiles: networking profiles synced from LinkedIn exports, JSON Resume and GitHub."""

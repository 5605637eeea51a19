"""A person's own data across every feature: download it, delete the account (above the features it spans)."""

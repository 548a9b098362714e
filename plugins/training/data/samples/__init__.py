"""Sample files of the documented import formats (fictitious courses)."""

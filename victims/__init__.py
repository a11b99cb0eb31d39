"""The Victim Support Unit: confidential case management. Nothing outside imports its models."""

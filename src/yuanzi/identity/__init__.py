"""Identity and the open platform: users, developer accounts, apps, openids, login codes, tokens."""

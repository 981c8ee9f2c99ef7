"""Live (直播): rooms, the room log and its real-time hub."""

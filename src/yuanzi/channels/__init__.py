"""Channels (视频号): creators, posts with video and images, follows, cards."""

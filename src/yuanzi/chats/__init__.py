"""Chats (聊天): conversations between friends, with messages that are never lost or duplicated."""

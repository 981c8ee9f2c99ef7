"""The web client ("the phone") and the operators' console."""

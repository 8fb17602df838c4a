"""Multimodal input: content-block builders and MIME detection."""

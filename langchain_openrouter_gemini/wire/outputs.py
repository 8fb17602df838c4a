"""OpenRouter reply extras to LangChain v1 blocks: generated images and citation annotations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_openrouter_gemini.wire.blocks import DATA_URL_HEAD, DATA_URL_HEAD_MAX

__all__ = ["annotations_to_citations", "image_reply_blocks", "images_to_blocks"]

# OpenRouter's `url_citation` field names -> LangChain `Citation` keys.
_CITATION_FIELDS = {
    "url": "url",
    "title": "title",
    "content": "cited_text",
    "start_index": "start_index",
    "end_index": "end_index",
}


def images_to_blocks(images: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn OpenRouter's `message.images` into LangChain v1 image blocks.

    Args:
        images: Entries like `{"type": "image_url", "image_url": {"url": "data:image/png;..."}}`.

    Returns:
        `{"type": "image", "base64": ..., "mime_type": ...}` for a base64 data URL,
        `{"type": "image", "url": ...}` for anything else. Entries without a URL are left out:
        they carry no image.

    """
    blocks: list[dict[str, Any]] = []
    for entry in images:
        if not isinstance(entry, Mapping):
            continue
        payload = entry.get("image_url")
        url = payload.get("url") if isinstance(payload, Mapping) else payload
        if not isinstance(url, str) or not url:
            continue
        match = DATA_URL_HEAD.match(url[:DATA_URL_HEAD_MAX])
        if match is not None:
            blocks.append(
                {
                    "type": "image",
                    "base64": url[match.end() :],
                    "mime_type": match.group("mime").lower(),
                }
            )
        else:
            blocks.append({"type": "image", "url": url})
    return blocks


def image_reply_blocks(text: str, images: Any, *, images_before: int = 0) -> list[dict[str, Any]]:
    """The content of (a piece of) a reply to an image-output request, as indexed blocks.

    A reply to `modalities=["image", ...]` is a list of blocks whether it is read whole or
    streamed: the text as one `{"type": "text", "index": 0}` block, then each image
    (`index` 1, 2, ...). Streamed pieces carry the same indexes, so adding the chunks up
    (LangChain merges blocks by `index`) gives exactly the content `invoke` returns.

    Args:
        text: The text of the reply, or of this streamed piece ("" for none).
        images: OpenRouter's `images` (whole reply or this piece); anything else is none.
        images_before: How many images earlier pieces of the same stream carried.

    Returns:
        The blocks, possibly none.

    """
    blocks: list[dict[str, Any]] = [{"type": "text", "text": text, "index": 0}] if text else []
    found = images_to_blocks(images) if isinstance(images, list) else []
    for number, block in enumerate(found, start=images_before + 1):
        blocks.append({**block, "index": number})
    return blocks


def annotations_to_citations(annotations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn OpenRouter's `message.annotations` into LangChain v1 annotations.

    Args:
        annotations: OpenRouter annotations: `url_citation` entries (fields nested under
            `url_citation`, as OpenAI sends them, or flat) and `file` entries.

    Returns:
        One annotation per entry, in order: a `citation`
        (`{"type": "citation", "url", "title", "cited_text", "start_index", "end_index"}`, keys
        present only when OpenRouter sent them) for each URL citation, and a
        `non_standard_annotation` holding the original entry for everything else (file
        annotations included, so they can be sent back unchanged).

    """
    converted: list[dict[str, Any]] = []
    for annotation in annotations:
        if not isinstance(annotation, Mapping):
            continue
        if annotation.get("type") != "url_citation":
            converted.append({"type": "non_standard_annotation", "value": dict(annotation)})
            continue
        nested = annotation.get("url_citation")
        fields = nested if isinstance(nested, Mapping) else annotation
        citation: dict[str, Any] = {"type": "citation"}
        for wire_key, citation_key in _CITATION_FIELDS.items():
            if fields.get(wire_key) is not None:
                citation[citation_key] = fields[wire_key]
        converted.append(citation)
    return converted

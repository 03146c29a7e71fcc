"""Tag rules shared by the client and the `tag` commands."""

from __future__ import annotations

from typing import Iterable, List

from ..exception import UsageError

MAX_TAG = 512


def validate_tags(tags: Iterable[str]) -> List[str]:
    out = []
    for tag in tags:
        if not isinstance(tag, str):
            raise UsageError(f"a tag must be a string, got {tag!r}")
        if not tag.strip():
            raise UsageError("a tag cannot be empty", hint="give the tag some text")
        if len(tag) > MAX_TAG:
            raise UsageError(f"tag {tag[:30]!r}... is {len(tag)} characters long; the limit is "
                             f"{MAX_TAG}", hint="use a shorter tag")
        try:
            tag.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(f"tag {tag!r} is not valid UTF-8 text",
                             hint="tags are text: check the encoding of what you passed") from None
        out.append(tag)
    return out

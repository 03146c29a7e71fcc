"""AWS plugin for flowkit: the S3 datastore (AWS Batch and Step Functions arrive later).

Registered through the entry point group ``flowkit.plugins``; nothing here imports boto3 until
an S3 datastore is actually opened.
"""

from typing import Any


def register(registry: Any) -> None:
    """Add this plugin's entries to flowkit's registry tables."""

    def s3(settings: Any) -> Any:
        from .s3 import make_backend

        return make_backend(settings)

    registry.STORAGE_BACKENDS["s3"] = s3

"""AWS plugin for flowkit: the S3 datastore, AWS Batch and Step Functions (arriving issue by issue).

Nothing here imports boto3 at import time; each backend imports it inside the function that
needs it.
"""

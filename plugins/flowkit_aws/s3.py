"""The S3 storage backend: a datastore in any S3-compatible bucket (`s3://bucket/prefix`).

- boto3 is imported when the backend is first used, never by ``import flowkit``; a missing
  boto3 is a clear error with the install command.
- The endpoint comes from FLOWKIT_S3_ENDPOINT_URL (else boto3's own AWS_ENDPOINT_URL /
  configuration); credentials only from boto3's standard chain: flowkit never stores them.
- Large objects go up as parallel multipart uploads and come down as parallel ranged GETs, with
  memory bounded by (parallel parts x part size). Throttling and 5xx answers are retried with
  backoff by botocore (adaptive mode), and our own loops retry dropped connections.
- Conditional creates (``overwrite=False``) use ``If-None-Match: *``, so two machines can never
  both create the same run id or event key.
- Clients are made per process: a forked task never shares its parent's connections.
"""

from __future__ import annotations

import io
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO, Dict, Iterator, List, Optional, Tuple

from flowkit.datastore.backend import Chunks, StorageBackend
from flowkit.exception import DatastoreError, UsageError

PART = 16 << 20          # multipart part size and ranged-GET size
MULTIPART_MIN = 32 << 20
PARALLEL = 6             # parts in flight: memory beyond the value is about PARALLEL x PART
ATTEMPTS = 5


_SESSION: Any = None


def _boto3() -> Any:
    try:
        import boto3
        import botocore  # noqa: F401
    except ImportError:
        raise UsageError("the S3 datastore needs boto3, which is not installed",
                         hint="pip install 'flowkit[aws]'") from None
    return boto3


def parse_url(url: str) -> Tuple[str, str]:
    if not url or not url.startswith("s3://"):
        raise UsageError(f"an S3 datastore root must look like s3://bucket/prefix, got {url!r}",
                         hint="set FLOWKIT_DATASTORE_SYSROOT_S3 or pass --datastore-root "
                              "s3://bucket/prefix")
    bucket, _, prefix = url[5:].partition("/")
    if not bucket:
        raise UsageError(f"no bucket in {url!r}", hint="use s3://bucket/prefix")
    return bucket, prefix.strip("/")


class S3Backend(StorageBackend):
    def __init__(self, url: str, endpoint_url: Optional[str] = None, retries: int = 7) -> None:
        self.retries = retries
        self.bucket, self.prefix = parse_url(url)
        self.root = f"s3://{self.bucket}/{self.prefix}".rstrip("/")
        self.endpoint_url = endpoint_url
        self._client: Any = None
        self._pid = -1
        self._lock = threading.Lock()

    # -- plumbing ---------------------------------------------------------------------------
    @property
    def client(self) -> Any:
        if self._client is None or self._pid != os.getpid():
            with self._lock:
                if self._client is None or self._pid != os.getpid():
                    boto3 = _boto3()
                    from botocore.config import Config

                    config = Config(retries={"total_max_attempts": self.retries,
                                             "mode": "adaptive"},
                                    max_pool_connections=PARALLEL * 2, connect_timeout=10,
                                    read_timeout=60)
                    global _SESSION
                    if _SESSION is None:  # made once; forked tasks reuse its loaded models
                        _SESSION = boto3.session.Session()
                    self._client = _SESSION.client("s3", endpoint_url=self.endpoint_url,
                                                   config=config)
                    self._pid = os.getpid()
        return self._client

    def warm_up(self) -> None:
        """Load the SDK and its service model now (the runtime calls this before forking, so
        every task starts with them loaded and only opens its own connections)."""
        self.client

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _call(self, what: str, fn: Any, **kwargs: Any) -> Any:
        """One S3 call, retried on dropped connections; clear errors for the rest."""
        from botocore.exceptions import (ClientError, ConnectionError as BotoConnectionError,
                                         HTTPClientError)

        try:  # botocore retries throttling, 5xx and lost connections (adaptive backoff)
            return fn(**kwargs)
        except ClientError:
            raise
        except (BotoConnectionError, HTTPClientError, ConnectionError) as e:
            raise DatastoreError(
                f"cannot reach S3 at {self.endpoint_url or 'the AWS endpoint'} "
                f"({what} {self.root}): {e}",
                hint="check FLOWKIT_S3_ENDPOINT_URL, the network and credentials, then try "
                     "again (resume continues a failed run)") from None

    @staticmethod
    def _code(e: Exception) -> str:
        return str(getattr(e, "response", {}).get("Error", {}).get("Code", ""))

    # -- interface --------------------------------------------------------------------------
    def put(self, key: str, chunks: Chunks, overwrite: bool = True) -> bool:
        from botocore.exceptions import ClientError

        parts = list(chunks)
        size = sum(memoryview(p).nbytes for p in parts)
        if size >= MULTIPART_MIN:
            if not overwrite and self.exists(key):
                return False
            self._multipart(key, parts, size)
            return True
        body = b"".join(bytes(p) if not isinstance(p, bytes) else p for p in parts)
        extra = {} if overwrite else {"IfNoneMatch": "*"}
        try:
            self._call("write", self.client.put_object, Bucket=self.bucket, Key=self._key(key),
                       Body=body, **extra)
        except ClientError as e:
            if self._code(e) in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
                return False
            raise DatastoreError(f"S3 refused to write {self.root}/{key}: {e}",
                                 hint="check the bucket and your permissions") from None
        return True

    def _multipart(self, key: str, parts: List[Any], size: int) -> None:
        client, k = self.client, self._key(key)
        upload = self._call("write", client.create_multipart_upload, Bucket=self.bucket, Key=k)
        upload_id = upload["UploadId"]

        def pieces() -> Iterator[Tuple[int, bytes]]:
            # one copy per part (joining views of the caller's buffers), never two
            views: List[memoryview] = []
            have, number = 0, 1
            for p in parts:
                mv = memoryview(p).cast("B")
                while len(mv):
                    take = min(PART - have, len(mv))
                    views.append(mv[:take])
                    have += take
                    mv = mv[take:]
                    if have == PART:
                        yield number, b"".join(views)
                        views, have, number = [], 0, number + 1
            if views:
                yield number, b"".join(views)

        def send(item: Tuple[int, bytes]) -> Dict[str, Any]:
            number, data = item
            res = self._call("write", client.upload_part, Bucket=self.bucket, Key=k,
                             UploadId=upload_id, PartNumber=number, Body=data)
            return {"PartNumber": number, "ETag": res["ETag"]}

        try:
            done: List[Dict[str, Any]] = []
            with ThreadPoolExecutor(PARALLEL) as pool:
                window: List[Any] = []
                for item in pieces():   # at most PARALLEL parts in memory at once
                    window.append(pool.submit(send, item))
                    if len(window) >= PARALLEL:
                        done.append(window.pop(0).result())
                done.extend(f.result() for f in window)
            self._call("write", client.complete_multipart_upload, Bucket=self.bucket, Key=k,
                       UploadId=upload_id, MultipartUpload={"Parts": done})
        except BaseException:
            try:
                client.abort_multipart_upload(Bucket=self.bucket, Key=k, UploadId=upload_id)
            except Exception:
                pass
            raise

    def open(self, key: str) -> BinaryIO:
        size = self.size(key)
        return io.BufferedReader(_S3Reader(self, self._key(key), size), buffer_size=1 << 20) \
            if size < MULTIPART_MIN else _S3Reader(self, self._key(key), size)  # type: ignore

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
            return True
        except KeyError:
            return False

    def size(self, key: str) -> int:
        from botocore.exceptions import ClientError

        try:
            head = self._call("read", self.client.head_object, Bucket=self.bucket,
                              Key=self._key(key))
        except ClientError as e:
            if self._code(e) in ("404", "NoSuchKey", "NotFound"):
                raise KeyError(key) from None
            raise DatastoreError(f"S3 refused to read {self.root}/{key}: {e}",
                                 hint="check the bucket and your permissions") from None
        return int(head["ContentLength"])

    def list(self, prefix: str) -> Iterator[str]:
        base = self._key(prefix.strip("/"))
        base = base + "/" if base else ""
        names = []
        token: Optional[str] = None
        while True:
            kwargs: Dict[str, Any] = {"Bucket": self.bucket, "Prefix": base, "Delimiter": "/"}
            if token:
                kwargs["ContinuationToken"] = token
            page = self._call("list", self.client.list_objects_v2, **kwargs)
            names += [p["Prefix"][len(base):].rstrip("/") for p in page.get("CommonPrefixes", [])]
            names += [o["Key"][len(base):] for o in page.get("Contents", [])]
            if not page.get("IsTruncated"):
                return iter(names)
            token = page["NextContinuationToken"]

    def list_keys(self, prefix: str, start_after: Optional[str] = None) -> Iterator[str]:
        base = self._key(prefix.strip("/")) + "/"
        token: Optional[str] = None
        while True:
            kwargs: Dict[str, Any] = {"Bucket": self.bucket, "Prefix": base}
            if token:
                kwargs["ContinuationToken"] = token
            elif start_after:
                kwargs["StartAfter"] = base + start_after
            page = self._call("list", self.client.list_objects_v2, **kwargs)
            for o in page.get("Contents", []):
                yield o["Key"][len(base):]
            if not page.get("IsTruncated"):
                return
            token = page["NextContinuationToken"]

    def delete(self, key: str) -> None:
        self._call("delete", self.client.delete_object, Bucket=self.bucket, Key=self._key(key))


class _S3Reader(io.RawIOBase):
    """A read-only stream of one object: ranged GETs, several in flight, in order."""

    def __init__(self, backend: S3Backend, key: str, size: int) -> None:
        self.backend, self.key, self.length = backend, key, size
        self.pos = 0
        # fewer, larger ranges for large objects (a request costs more than its bytes)
        self.part = min(max(PART, size // 16), 4 * PART)
        self._pool: Optional[ThreadPoolExecutor] = None
        self._ahead: Dict[int, Any] = {}
        self._chunk: Tuple[int, bytes] = (-1, b"")

    def readable(self) -> bool:
        return True

    def _fetch(self, start: int) -> bytes:
        end = min(start + self.part, self.length) - 1
        for attempt in range(ATTEMPTS):
            try:
                res = self.backend._call("read", self.backend.client.get_object,
                                         Bucket=self.backend.bucket, Key=self.key,
                                         Range=f"bytes={start}-{end}")
                data = res["Body"].read()
                if len(data) == end - start + 1:
                    return data
            except DatastoreError:
                raise
            except Exception:
                if attempt == ATTEMPTS - 1:
                    raise
            time.sleep(min(2.0, 0.1 * 2 ** attempt))
        raise DatastoreError(f"short read of {self.key} from S3", hint="try again")

    def _part(self, start: int) -> bytes:
        if self._chunk[0] == start:
            return self._chunk[1]
        if self.length < MULTIPART_MIN:
            data = self._fetch(start)
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(PARALLEL)
            for ahead in range(start, min(start + self.part * PARALLEL, self.length), self.part):
                if ahead not in self._ahead:
                    self._ahead[ahead] = self._pool.submit(self._fetch, ahead)
            data = self._ahead.pop(start).result()
        self._chunk = (start, data)
        return data

    def readinto(self, b: Any) -> int:
        if self.pos >= self.length:
            return 0
        mv = memoryview(b).cast("B")
        start = self.pos - self.pos % self.part
        data = self._part(start)
        off = self.pos - start
        n = min(len(mv), len(data) - off)
        mv[:n] = data[off:off + n]
        self.pos += n
        return n

    def tell(self) -> int:
        return self.pos

    def remaining(self) -> int:
        return self.length - self.pos

    def fileno(self) -> int:
        raise io.UnsupportedOperation("no file descriptor for an S3 object")

    def close(self) -> None:
        if self._pool is not None:
            for f in self._ahead.values():
                f.cancel()
            self._pool.shutdown(wait=False)
            self._pool = None
        super().close()


def make_backend(settings: Any) -> S3Backend:
    return S3Backend(settings.datastore_sysroot_s3 or "", settings.s3_endpoint_url,
                     settings.s3_retry_count)

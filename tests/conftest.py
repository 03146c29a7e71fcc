import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
FLOWS = os.path.join(HERE, "flows")
REPO = os.path.dirname(HERE)


@pytest.fixture
def sysroot(tmp_path):
    """A fresh folder to hold .flowkit for one test."""
    root = tmp_path / "ds"
    root.mkdir()
    return str(root)


@pytest.fixture
def flows_dir():
    return FLOWS


def flow_path(*parts):
    return os.path.join(FLOWS, *parts)


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint():
    """A real HTTP S3 endpoint (moto's server) on 127.0.0.1 for the whole test session."""
    pytest.importorskip("moto")
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


S3_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
          "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture
def s3_root(moto_endpoint, monkeypatch):
    """A fresh bucket; returns (s3://bucket/prefix, environment for flowkit subprocesses)."""
    import uuid

    import boto3

    for k, v in S3_ENV.items():
        monkeypatch.setenv(k, v)
    bucket = f"fk-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=moto_endpoint).create_bucket(Bucket=bucket)
    env = dict(S3_ENV, FLOWKIT_S3_ENDPOINT_URL=moto_endpoint, FLOWKIT_DEFAULT_DATASTORE="s3",
               FLOWKIT_DATASTORE_SYSROOT_S3=f"s3://{bucket}/data")
    return f"s3://{bucket}/data", env

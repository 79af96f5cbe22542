"""Footer reads of S3 inference: obstore for the keys it names exactly, boto3 for
the rest, one-line errors either way, and the client's retry settings honoured.

Everything runs against moto's server on 127.0.0.1; faults come from the
fault-injecting proxy in front of it (tests/aws/faults.py).
"""

from __future__ import annotations

import datetime
import ssl
from pathlib import Path
from typing import Any

import pytest
from mason_aws.s3.readers import obstore_addressable, read_bytes

from mason.sdk.errors import ConfigurationError, MasonRuntimeError, NotFoundError
from tests.aws.conftest import ACCESS_KEY, SECRET_KEY, put_parquet, put_text
from tests.aws.faults import FaultProxy, Request, s3_error

#: keys S3 accepts, with the object obstore would read instead if it were asked.
MISADDRESSED = {
    "/lead.parquet": "lead.parquet",
    "k/trail/": "k/trail",
    "k//double.parquet": "k/double.parquet",
    "k/./dot.parquet": "k/dot.parquet",
    "k/../up.parquet": "up.parquet",
}
#: keys S3 accepts and obstore refuses to name (control characters).
REFUSED = ["k/a\tb.parquet", "k/a\x01b.parquet", "k/a\x7fb.parquet"]
PLAIN = [
    "k/plain.parquet",
    "k/a b.parquet",
    "k/é ü.parquet",
    "k/a%20b.parquet",
    "k/x#y?z+w.parquet",
    "k/x~y&z=1;,:@$!'()*.parquet",
    "k/.hidden",
    "k/..dots..",
    "k/a%2Fb%00 lead,trail ",
    'k/\u200b€<x>{y}[z]^|`"',
]


def test_only_keys_obstore_names_exactly_go_through_it() -> None:
    assert all(obstore_addressable(key) for key in PLAIN)
    assert not any(obstore_addressable(key) for key in MISADDRESSED)
    assert not any(obstore_addressable(key) for key in REFUSED)
    assert not obstore_addressable("")


def test_every_key_is_read_from_its_own_object(storage_factory: Any, s3: Any, bucket: str) -> None:
    aws = storage_factory("s3", "storage").aws
    keys = [*PLAIN, *REFUSED, *MISADDRESSED, *MISADDRESSED.values()]
    for key in keys:  # each body ends with its own key, so a wrong object shows
        s3.put_object(Bucket=bucket, Key=key, Body=b"padding-" + key.encode())
    for key in keys:
        n = len(key.encode())
        assert read_bytes(aws, bucket, key, last=n) == key.encode(), key
        # a suffix longer than the object is the whole object, as S3 answers it
        assert read_bytes(aws, bucket, key, last=10_000) == b"padding-" + key.encode(), key
        # and the first bytes (CSV and JSON lines samples) from the same object
        assert read_bytes(aws, bucket, key, first=8 + n) == b"padding-" + key.encode(), key
        assert read_bytes(aws, bucket, key, first=3) == b"pad", key
    assert read_bytes(aws, bucket, PLAIN[0], first=0) == b""
    with pytest.raises(ValueError):
        read_bytes(aws, bucket, PLAIN[0])


def test_inference_counts_objects_under_awkward_keys(
    storage_factory: Any, s3: Any, bucket: str
) -> None:
    for key in ("t/a.parquet", "t/é b.parquet", "t/x//y.parquet", "t/q/#z.parquet"):
        put_parquet(s3, bucket, key, {"id": [1, 2]})
    inferred = storage_factory("s3", "storage").infer_table(f"s3://{bucket}/t/", "db")
    table = inferred.table
    assert (inferred.skipped_files, inferred.warnings) == ([], [])
    assert table.file_count == 4
    assert table.properties["record_count"] == "8"


def test_text_samples_under_awkward_keys(storage_factory: Any, s3: Any, bucket: str) -> None:
    for key in ("c/a.csv", "c/é b.csv", "c/x//y.csv"):
        put_text(s3, bucket, key, "id,name\n1,x\n2,y\n" + "3,z\n" * 600)
    inferred = storage_factory("s3", "storage", sample_bytes=1024).infer_table(
        f"s3://{bucket}/c/", "db"
    )
    assert (inferred.skipped_files, inferred.warnings) == ([], [])
    assert inferred.table.file_count == 3
    assert [(c.name, c.type) for c in inferred.table.table_schema.columns] == [
        ("id", "int64"),
        ("name", "string"),
    ]


def _ranged_get(key: str) -> Any:
    def match(request: Request) -> bool:
        return request.method == "GET" and request.path.endswith(key)

    return match


@pytest.mark.parametrize(
    ("status", "code", "error", "words"),
    [
        (403, "AccessDenied", MasonRuntimeError, "s3: access denied to {uri} (AccessDenied:"),
        (
            403,
            "SignatureDoesNotMatch",
            ConfigurationError,
            "s3: credentials were refused for {uri} (SignatureDoesNotMatch:",
        ),
        (404, "NoSuchKey", NotFoundError, "s3: {uri} not found (NoSuchKey:"),
    ],
)
def test_footer_read_failures_are_one_line_mason_errors(
    storage_factory: Any,
    s3: Any,
    bucket: str,
    fault_proxy: FaultProxy,
    status: int,
    code: str,
    error: type[Exception],
    words: str,
) -> None:
    put_parquet(s3, bucket, "f/a.parquet", {"id": [1]})
    aws = storage_factory("s3", "storage", endpoint_url=fault_proxy.url, max_attempts=1).aws
    answer = s3_error(status, code, f"the {SECRET_KEY} must never show")
    failing = fault_proxy.fault(_ranged_get("f/a.parquet"), answer, times=None)
    with failing, pytest.raises(error) as raised:
        read_bytes(aws, bucket, "f/a.parquet", last=100)
    text = str(raised.value)
    assert text.startswith(words.format(uri=f"s3://{bucket}/f/a.parquet")), text
    assert "\n" not in text
    assert SECRET_KEY not in text


def _headers_of_one_read(aws: Any, bucket: str, key: str, proxy: FaultProxy) -> dict[str, str]:
    """Read ``key``'s last four bytes (its magic) through ``proxy`` and return the
    headers of the one GET that reached it."""
    sent: list[dict[str, str]] = []

    def record(request: Request) -> bool:
        if request.method == "GET" and request.path.endswith(f"/{key}"):
            sent.append(request.headers)
        return False

    with proxy.watch(record):
        assert read_bytes(aws, bucket, key, last=4) == b"PAR1"
    assert len(sent) == 1  # through the configured endpoint
    return sent[0]


def test_aws_variables_obstore_reads_itself_do_not_outrank_the_configuration(
    storage_factory: Any,
    s3: Any,
    bucket: str,
    fault_proxy: FaultProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """obstore reads AWS_* variables of its own, some of them above what it is
    given; a configuration's endpoint, region and keys must win, as in botocore."""
    put_parquet(s3, bucket, "e/a.parquet", {"id": [1]})
    for name, value in {
        "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9",  # a closed port
        "AWS_SKIP_SIGNATURE": "true",
        "AWS_REGION": "eu-west-3",
        "AWS_DEFAULT_REGION": "eu-west-3",
        "AWS_ACCESS_KEY_ID": "AKIAFROMTHEENVIRONMENT",
        "AWS_S3_EXPRESS": "true",
        "AWS_REQUEST_PAYER": "true",
    }.items():
        monkeypatch.setenv(name, value)
    aws = storage_factory(
        "s3",
        "storage",
        endpoint_url=fault_proxy.url,
        aws_region="us-east-1",
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
    ).aws
    headers = _headers_of_one_read(aws, bucket, "e/a.parquet", fault_proxy)
    authorization = headers.get("authorization", "")
    assert f"Credential={ACCESS_KEY}/" in authorization  # signed, with the configured key
    assert "/us-east-1/s3/aws4_request" in authorization
    assert "x-amz-request-payer" not in headers
    # engines reading through pyarrow get a filesystem over the same clients
    from mason_aws.s3.arrowfs import verified_filesystem

    assert verified_filesystem(aws).get_file_info(f"{bucket}/e/a.parquet").size > 0


def test_an_sse_c_key_in_the_environment_sends_reads_through_boto3(
    storage_factory: Any,
    s3: Any,
    bucket: str,
    fault_proxy: FaultProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """obstore would send AWS_SSE_CUSTOMER_KEY_BASE64 with every GET, and nothing
    in a configuration can say otherwise: boto3 reads instead, as without it."""
    put_parquet(s3, bucket, "c/a.parquet", {"id": [1]})
    monkeypatch.setenv(
        "AWS_SSE_CUSTOMER_KEY_BASE64", "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="
    )
    aws = storage_factory("s3", "storage", endpoint_url=fault_proxy.url).aws
    assert aws.object_store(bucket) is None
    headers = _headers_of_one_read(aws, bucket, "c/a.parquet", fault_proxy)
    assert not any(name.startswith("x-amz-server-side-encryption") for name in headers)
    assert "botocore" in headers.get("user-agent", "").lower()


def test_footer_reads_retry_transient_errors(
    storage_factory: Any, s3: Any, bucket: str, fault_proxy: FaultProxy
) -> None:
    put_parquet(s3, bucket, "r/a.parquet", {"id": [1]})
    aws = storage_factory(
        "s3", "storage", endpoint_url=fault_proxy.url, max_attempts=3, retry_backoff_seconds=0.01
    ).aws
    busy = s3_error(503, "SlowDown", "Please reduce your request rate.")
    with fault_proxy.fault(_ranged_get("r/a.parquet"), busy, times=2) as slow_down:
        assert read_bytes(aws, bucket, "r/a.parquet", last=4) == b"PAR1"
    assert (slow_down.seen, slow_down.answered) == (3, 2)
    failing = fault_proxy.fault(_ranged_get("r/a.parquet"), busy, times=None)
    with failing as slow_down, pytest.raises(MasonRuntimeError) as raised:
        read_bytes(aws, bucket, "r/a.parquet", last=4)
    assert str(raised.value).startswith(
        f"s3: throttled on s3://{bucket}/r/a.parquet after 3 attempts (SlowDown: Please reduce"
    ), str(raised.value)
    assert slow_down.seen == 3  # max_attempts counts every attempt, the first included


def test_a_bucket_elsewhere_is_signed_for_its_own_region(storage_factory: Any, s3: Any) -> None:
    s3.create_bucket(
        Bucket="mason-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    aws = storage_factory("s3", "storage", aws_region="us-east-1").aws
    assert aws._bucket_region("mason-eu") == "eu-west-1"


def test_a_bucket_region_nobody_names_is_the_configured_one(
    storage_factory: Any, s3: Any, fault_proxy: FaultProxy
) -> None:
    s3.create_bucket(
        Bucket="mason-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    aws = storage_factory(
        "s3", "storage", aws_region="ap-south-1", endpoint_url=fault_proxy.url, max_attempts=1
    ).aws

    def head_bucket(request: Request) -> bool:
        return request.method == "HEAD" and request.path.rstrip("/") == "/mason-eu"

    with fault_proxy.fault(head_bucket, s3_error(403, "AccessDenied", "no"), times=None) as seen:
        assert aws._bucket_region("mason-eu") == "ap-south-1"
    assert seen.answered == 1
    assert aws._bucket_region("mason-missing") == "ap-south-1"  # 404, no region header
    assert aws._bucket_region("mason-eu") == "eu-west-1"


def test_temporary_credentials_are_asked_for_again(storage_factory: Any) -> None:
    static = storage_factory("s3", "storage").aws._obstore_credentials()
    assert static["expires_at"] is None
    temporary = storage_factory(
        "s3", "storage", access_key="AKIATEMP", secret_key="s", session_token="tok"
    ).aws._obstore_credentials()
    assert temporary["token"] == "tok"
    assert temporary["expires_at"] is not None


def _private_ca(folder: Path) -> tuple[Path, ssl.SSLContext]:
    """A CA of its own (its PEM written to ``folder``) and a server context with
    a certificate it signed for 127.0.0.1."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mason test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    bundle = folder / "ca.pem"
    bundle.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    chain, key_file = folder / "server.pem", folder / "server.key"
    chain.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain, key_file)
    return bundle, context


def test_a_private_ca_botocore_is_told_of_is_trusted_by_every_reader(
    storage_factory: Any,
    s3: Any,
    bucket: str,
    aws_env: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An endpoint behind a private CA (a corporate proxy, a self-hosted store):
    boto3 lists through it and obstore reads the footers through it, both
    trusting the CA botocore is told of, and neither trusting it otherwise."""
    for key in ("tls/a.parquet", "tls/b.parquet"):
        put_parquet(s3, bucket, key, {"id": [1, 2, 3]})
    bundle, context = _private_ca(tmp_path)
    proxy = FaultProxy(aws_env, tls=context).start()
    try:
        assert proxy.url.startswith("https://127.0.0.1:")
        untrusted = storage_factory(
            "s3", "storage", endpoint_url=proxy.url, retry_backoff_seconds=0.01
        ).aws
        with pytest.raises(MasonRuntimeError) as refused:  # the system roots lack the CA
            read_bytes(untrusted, bucket, "tls/a.parquet", last=4)
        assert str(refused.value) == (
            f"s3: s3://{bucket}/tls/a.parquet failed after 8 attempts "
            "(HTTP error: error sending request: InvalidCertificate(UnknownIssuer))"
        )
        # the bundle named in a profile, as `aws configure set ca_bundle` writes it:
        # botocore reads it there, the other readers are handed it by Mason
        profiles = tmp_path / "aws-config"
        profiles.write_text(
            f"[profile private-ca]\nca_bundle = {bundle}\naws_access_key_id = {ACCESS_KEY}\n"
            f"aws_secret_access_key = {SECRET_KEY}\n"
        )
        monkeypatch.setenv("AWS_CONFIG_FILE", str(profiles))
        monkeypatch.delenv("AWS_CA_BUNDLE", raising=False)  # it would outrank the profile
        storage = storage_factory("s3", "storage", endpoint_url=proxy.url, profile="private-ca")
        inferred = storage.infer_table(f"s3://{bucket}/tls/", "db")
        # the pyarrow filesystem (DuckDB's reads over S3 in mason-local) and s3fs
        # (compressed samples, ranged opens) trust the same roots
        remote = storage.arrow_filesystem(f"s3://{bucket}/tls/")
        with remote.filesystem.open_input_file(f"{bucket}/tls/a.parquet") as handle:
            arrow_head = handle.read(4)
        arrow = remote.filesystem.get_file_info(f"{bucket}/tls/a.parquet")
        head = storage.aws.s3fs.cat_file(f"{bucket}/tls/a.parquet", start=0, end=4)
    finally:
        proxy.stop()
    assert (inferred.skipped_files, inferred.warnings) == ([], [])
    assert inferred.table.file_count == 2
    assert inferred.table.properties["record_count"] == "6"
    assert arrow.size == s3.head_object(Bucket=bucket, Key="tls/a.parquet")["ContentLength"]
    assert head == arrow_head == b"PAR1"


def test_an_unreadable_ca_bundle_is_a_configuration_error(
    storage_factory: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_CA_BUNDLE", str(tmp_path / "missing.pem"))
    with pytest.raises(ConfigurationError, match=r"cannot read the CA bundle .*missing\.pem"):
        storage_factory("s3", "storage").aws.ca_bundle()

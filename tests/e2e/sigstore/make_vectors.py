"""Keyless test vectors made here, not taken from Sigstore: a Fulcio-like CA (root and
intermediate), leaves with GitHub claims and an embedded SCT from a test CT log, a test Rekor
log (hashedrekord and dsse entries with SET, inclusion proof and signed checkpoint), an RFC 3161
timestamp from a test TSA made with `openssl ts`, and the trusted root naming them. Also the
variants the tests expect to fail. Usage: make_vectors.py OUTDIR (an artifact is written there).
"""
import base64, datetime, hashlib, json, os, subprocess, sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

OUT = sys.argv[1]
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
SAN = "https://github.com/acme/greet/.github/workflows/release.yml@refs/tags/v1.4.2"
ISSUER = "https://token.actions.githubusercontent.com"
SIGNER = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.0.0"
b64 = lambda b: base64.b64encode(b).decode()
sha = lambda b: hashlib.sha256(b).digest()
def path(name): return os.path.join(OUT, name)
def key(): return ec.generate_private_key(ec.SECP256R1())
def spki(k): return k.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
def sign(k, data): return k.sign(data, ec.ECDSA(hashes.SHA256()))
def der(c): return c.public_bytes(serialization.Encoding.DER)
def pem(c): return c.public_bytes(serialization.Encoding.PEM)
def der_header(tag, n):  # DER: the short length form below 128
    return bytes([tag, n]) if n < 128 else bytes([tag, 0x81, n]) if n < 256 else bytes([tag, 0x82]) + n.to_bytes(2, "big")
def utf8(s):  # DER UTF8String, as Fulcio encodes its 1.3.6.1.4.1.57264.1.8+ extensions
    b = s.encode()
    return der_header(0x0C, len(b)) + b
def name(cn): return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "hallmark-test"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])

def ca_cert(subject_key, cn, issuer_key=None, issuer_name=None, eku=None, days=3650):
    b = (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(issuer_name or name(cn))
         .public_key(subject_key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(NOW - datetime.timedelta(days=1)).not_valid_after(NOW + datetime.timedelta(days=days))
         .add_extension(x509.BasicConstraints(ca=True, path_length=None if eku is None else 0), critical=True)
         .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True))
    b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False)
    b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key((issuer_key or subject_key).public_key()), critical=False)
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    return b.sign(issuer_key or subject_key, hashes.SHA256())

root_key, inter_key, ct_key, log_key, tsa_root_key, tsa_key = (key() for _ in range(6))
root = ca_cert(root_key, "test-fulcio-root")
inter = ca_cert(inter_key, "test-fulcio-intermediate", root_key, root.subject, [ExtendedKeyUsageOID.CODE_SIGNING])

def leaf(leaf_key, eku=ExtendedKeyUsageOID.CODE_SIGNING, before=-5, after=10, sct_key=ct_key):
    def builder():
        b = (x509.CertificateBuilder().subject_name(x509.Name([])).issuer_name(inter.subject)
             .public_key(leaf_key.public_key()).serial_number(serial)
             .not_valid_before(NOW + datetime.timedelta(minutes=before)).not_valid_after(NOW + datetime.timedelta(minutes=after))
             .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
             .add_extension(x509.ExtendedKeyUsage([eku]), critical=False)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(inter_key.public_key()), critical=False)
             .add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier(SAN)]), critical=True))
        for oid, value in (("1.8", ISSUER), ("1.9", SIGNER), ("1.12", "https://github.com/acme/greet"), ("1.14", "refs/tags/v1.4.2")):
            b = b.add_extension(x509.UnrecognizedExtension(ObjectIdentifier("1.3.6.1.4.1.57264." + oid), utf8(value)), critical=False)
        return b
    serial = x509.random_serial_number()
    tbs = builder().sign(inter_key, hashes.SHA256()).tbs_certificate_bytes
    ts = int((NOW - datetime.timedelta(minutes=4)).timestamp() * 1000)
    signed = (b"\x00\x00" + ts.to_bytes(8, "big") + b"\x00\x01" + sha(spki(inter_key)) + len(tbs).to_bytes(3, "big") + tbs + b"\x00\x00")
    sig = sign(sct_key, signed)
    sct = b"\x00" + sha(spki(sct_key)) + ts.to_bytes(8, "big") + b"\x00\x00" + b"\x04\x03" + len(sig).to_bytes(2, "big") + sig
    lst = len(sct).to_bytes(2, "big") + sct
    lst = len(lst).to_bytes(2, "big") + lst
    ext = x509.UnrecognizedExtension(ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2"), der_header(0x04, len(lst)) + lst)
    return builder().add_extension(ext, critical=False).sign(inter_key, hashes.SHA256())

artifact = b"hallmark keyless test artifact\n"
open(path("artifact"), "wb").write(artifact)
signer_key = key()
good_leaf = leaf(signer_key)

def rfc3161(signature, signer=tsa_key, cert=None):
    open(path("sig.bin"), "wb").write(signature)
    open(path("tsa.key"), "wb").write(signer.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    open(path("tsa.crt"), "wb").write(pem(cert or tsa_cert))
    open(path("tsaserial"), "w").write("01\n")
    open(path("ts.cnf"), "w").write("[tsa]\ndefault_tsa = t\n[t]\nserial = %s\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\n"
                                    "digests = sha256\ness_cert_id_alg = sha256\n" % path("tsaserial"))
    subprocess.run(["openssl", "ts", "-query", "-data", path("sig.bin"), "-sha256", "-cert", "-out", path("q.tsq")], check=True,
                   stderr=subprocess.DEVNULL)
    subprocess.run(["openssl", "ts", "-reply", "-config", path("ts.cnf"), "-queryfile", path("q.tsq"), "-signer", path("tsa.crt"),
                    "-inkey", path("tsa.key"), "-out", path("r.tsr")], check=True, stderr=subprocess.DEVNULL)
    return open(path("r.tsr"), "rb").read()

tsa_root = ca_cert(tsa_root_key, "test-tsa-root")
tsa_cert = (x509.CertificateBuilder().subject_name(name("test-tsa")).issuer_name(tsa_root.subject).public_key(tsa_key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(NOW - datetime.timedelta(days=1))
            .not_valid_after(NOW + datetime.timedelta(days=365))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(tsa_root_key.public_key()), critical=False)
            .sign(tsa_root_key, hashes.SHA256()))

LOG_ID = sha(spki(log_key))
def tlog_entry(body, set_key=log_key, when=NOW - datetime.timedelta(minutes=1), kind=("hashedrekord", "0.0.1")):
    body = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    t = int(when.timestamp())
    payload = json.dumps({"body": b64(body), "integratedTime": t, "logID": LOG_ID.hex(), "logIndex": 7}, sort_keys=True, separators=(",", ":"))
    other = sha(b"\x00other entry")
    root_hash = sha(b"\x01" + other + sha(b"\x00" + body))
    note = "test.log - 42\n2\n%s\n" % b64(root_hash)
    checkpoint = note + "\n\u2014 test.log " + b64(LOG_ID[:4] + sign(log_key, note.encode())) + "\n"
    return {"logIndex": "7", "logId": {"keyId": b64(LOG_ID)}, "kindVersion": {"kind": kind[0], "version": kind[1]},
            "integratedTime": str(t), "inclusionPromise": {"signedEntryTimestamp": b64(sign(set_key, payload.encode()))},
            "inclusionProof": {"logIndex": "1", "rootHash": b64(root_hash), "treeSize": "2", "hashes": [b64(other)],
                               "checkpoint": {"envelope": checkpoint}}, "canonicalizedBody": b64(body)}

def message_bundle(cert=good_leaf, k=signer_key, **entry_args):
    sig = sign(k, artifact)
    body = {"apiVersion": "0.0.1", "kind": "hashedrekord", "spec": {"data": {"hash": {"algorithm": "sha256", "value": sha(artifact).hex()}},
            "signature": {"content": b64(sig), "publicKey": {"content": b64(pem(cert))}}}}
    return {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
            "verificationMaterial": {"certificate": {"rawBytes": b64(der(cert))}, "tlogEntries": [tlog_entry(body, **entry_args)],
                                     "timestampVerificationData": {"rfc3161Timestamps": [{"signedTimestamp": b64(rfc3161(sig))}]}},
            "messageSignature": {"messageDigest": {"algorithm": "SHA2_256", "digest": b64(sha(artifact))}, "signature": b64(sig)}}

def dsse_bundle():
    statement = {"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "artifact", "digest": {"sha256": sha(artifact).hex()}}],
                 "predicateType": "https://slsa.dev/provenance/v0.2",
                 "predicate": {"builder": {"id": SIGNER}, "buildType": "https://github.com/slsa-framework/slsa-github-generator/generic@v1",
                               "invocation": {"configSource": {"uri": "git+https://github.com/acme/greet@refs/tags/v1.4.2",
                                                               "digest": {"sha1": "0" * 40}, "entryPoint": ".github/workflows/release.yml"}}}}
    payload = json.dumps(statement).encode()
    ptype = "application/vnd.in-toto+json"
    pae = b"DSSEv1 %d %s %d %s" % (len(ptype), ptype.encode(), len(payload), payload)
    sig = sign(signer_key, pae)
    body = {"apiVersion": "0.0.1", "kind": "dsse", "spec": {"payloadHash": {"algorithm": "sha256", "value": sha(payload).hex()},
            "signatures": [{"signature": b64(sig), "verifier": b64(pem(good_leaf))}]}}
    return {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
            "verificationMaterial": {"certificate": {"rawBytes": b64(der(good_leaf))}, "tlogEntries": [tlog_entry(body, kind=("dsse", "0.0.1"))]},
            "dsseEnvelope": {"payload": b64(payload), "payloadType": ptype, "signatures": [{"sig": b64(sig)}]}}

def cosign_image_attestation(image_digest):
    """cosign attest's keyless form for an image: the DSSE envelope, the leaf PEM and the Rekor
    entry as cosign's dev.sigstore.cosign/bundle annotation holds it."""
    statement = {"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "image", "digest": {"sha256": image_digest}}],
                 "predicateType": "https://slsa.dev/provenance/v0.2",
                 "predicate": {"builder": {"id": SIGNER}, "buildType": "https://github.com/slsa-framework/slsa-github-generator/container@v1",
                               "invocation": {"configSource": {"uri": "git+https://github.com/acme/greet@refs/tags/v1.4.2",
                                                               "digest": {"sha1": "0" * 40}, "entryPoint": ".github/workflows/release.yml"}}}}
    payload = json.dumps(statement).encode()
    ptype = "application/vnd.in-toto+json"
    pae = b"DSSEv1 %d %s %d %s" % (len(ptype), ptype.encode(), len(payload), payload)
    sig = sign(signer_key, pae)
    body = {"apiVersion": "0.0.1", "kind": "dsse", "spec": {"payloadHash": {"algorithm": "sha256", "value": sha(payload).hex()},
            "signatures": [{"signature": b64(sig), "verifier": b64(pem(good_leaf))}]}}
    e = tlog_entry(body, kind=("dsse", "0.0.1"))
    rekor = {"SignedEntryTimestamp": e["inclusionPromise"]["signedEntryTimestamp"],
             "Payload": {"body": e["canonicalizedBody"], "integratedTime": int(e["integratedTime"]), "logIndex": 7, "logID": LOG_ID.hex()}}
    envelope = {"payload": b64(payload), "payloadType": ptype, "signatures": [{"keyid": "", "sig": b64(sig)}]}
    return envelope, pem(good_leaf).decode(), rekor

def trusted_root(ct=True, tsa=True):
    since = {"start": (NOW - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    log = lambda url, k: {"baseUrl": url, "hashAlgorithm": "SHA2_256", "logId": {"keyId": b64(sha(spki(k)))},
                          "publicKey": {"rawBytes": b64(spki(k)), "keyDetails": "PKIX_ECDSA_P256_SHA_256", "validFor": since}}
    root_doc = {"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1", "tlogs": [log("https://test.log", log_key)],
                "certificateAuthorities": [{"subject": {"organization": "hallmark-test", "commonName": "test-fulcio"}, "uri": "https://fulcio.test",
                                            "certChain": {"certificates": [{"rawBytes": b64(der(inter))}, {"rawBytes": b64(der(root))}]}, "validFor": since}],
                "ctlogs": [log("https://ct.test", ct_key)] if ct else [],
                "timestampAuthorities": [{"subject": {"organization": "hallmark-test", "commonName": "test-tsa"}, "uri": "https://tsa.test",
                                          "certChain": {"certificates": [{"rawBytes": b64(der(tsa_cert))}, {"rawBytes": b64(der(tsa_root))}]},
                                          "validFor": since}] if tsa else []}
    return root_doc

def write(name, doc): json.dump(doc, open(path(name), "w"), indent=1)
write("trusted_root.json", trusted_root())
write("root-no-ct.json", trusted_root(ct=False))
write("root-no-tsa.json", trusted_root(tsa=False))
write("good-message.sigstore.json", message_bundle())
write("good-dsse.sigstore.json", dsse_bundle())
if os.environ.get("HM_IMAGE_DIGEST"):
    envelope, leaf_pem, rekor = cosign_image_attestation(os.environ["HM_IMAGE_DIGEST"])
    write("cosign-image.envelope.json", envelope)
    open(path("cosign-image.cert.pem"), "w").write(leaf_pem)
    write("cosign-image.rekor.json", rekor)
no_eku_key = key()
write("no-code-signing.sigstore.json", message_bundle(cert=leaf(no_eku_key, eku=ExtendedKeyUsageOID.SERVER_AUTH), k=no_eku_key))
write("bad-set.sigstore.json", message_bundle(set_key=key()))
late_key = key()
write("expired-leaf.sigstore.json", message_bundle(cert=leaf(late_key, before=-30, after=-20), k=late_key))
unknown_ct_key = key()
write("unknown-ct-log.sigstore.json", message_bundle(cert=leaf(unknown_ct_key, sct_key=key()), k=unknown_ct_key))
for f in ("sig.bin", "tsa.key", "tsa.crt", "tsaserial", "ts.cnf", "q.tsq", "r.tsr"):
    os.remove(path(f))

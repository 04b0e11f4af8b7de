#!/usr/bin/env python3
"""Write the seed corpora of the fuzz harnesses (tests/fuzz/corpus/NAME/). Run once; the files are checked in."""
import gzip, hashlib, io, json, os, struct, tarfile, zipfile

here = os.path.dirname(os.path.abspath(__file__))

def put(name, file, data):
    d = os.path.join(here, "corpus", name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, file), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

# json
put("json", "applicant", json.dumps({"full_name": "Ada Lovelace", "email": "ada@example.org", "phone": "+44 20 1234",
    "address": {"line1": "1 St", "city": "London", "country": "GB"}, "social_handles": [{"network": "x", "handle": "ada"}],
    "source": {"type": "referral", "detail": "a friend"}, "marketing_opt_in": True}))
put("json", "dup-keys", '{"a":1,"a":2}')
put("json", "deep", "[" * 40 + "]" * 40)
put("json", "bad-utf8", b'{"full_name":"\xff\xfe"}')
put("json", "escapes", '{"full_name":"\\u00e9\\ud83d\\ude00","email":"x@y.z","n":1e309,"m":-0}')
put("json", "patch", '{"address":null,"phone":"123","version":3}')
put("json", "truncated", '{"full_name":"Jane')

# sniff
def zip_bytes(entries, deflate=False):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED) as z:
        for n, c in entries:
            z.writestr(n, c)
    return b.getvalue()
docx = [("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document>Jane</w:document>")]
put("sniff", "docx", zip_bytes(docx))
put("sniff", "odt", zip_bytes([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<x/>")]))
put("sniff", "bomb-ratio", zip_bytes([("[Content_Types].xml", "<Types/>"), ("word/document.xml", " " * (2 << 20))], True))
put("sniff", "bomb-entries", zip_bytes(docx + [("p%d" % i, "x") for i in range(1001)]))
put("sniff", "zip-truncated", zip_bytes(docx)[:-30])
def understate(z, name, size, everywhere):
    """A ZIP whose entry `name` declares `size` bytes in its central directory (and, everywhere,
    in its local header too): a bomb that passes a check of the directory alone."""
    b = bytearray(z)
    c = b.find(b"PK\x01\x02")
    while c >= 0:
        n, = struct.unpack_from("<H", b, c + 28)
        if bytes(b[c + 46:c + 46 + n]) == name.encode():
            struct.pack_into("<I", b, c + 24, size)
            if everywhere:
                local, = struct.unpack_from("<I", b, c + 42)
                struct.pack_into("<I", b, local + 22, size)
        c = b.find(b"PK\x01\x02", c + 4)
    return bytes(b)
spaces = " " * (1 << 20)  # deflates about 1,000-fold
put("sniff", "bomb-understated", understate(zip_bytes([docx[0], ("word/document.xml", spaces)], True), "word/document.xml", 1000, False))
put("sniff", "bomb-understated-everywhere", understate(zip_bytes([docx[0], ("word/document.xml", spaces)], True), "word/document.xml", 1000, True))
def odt_with(content):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        z.writestr(zipfile.ZipInfo("content.xml"), content, zipfile.ZIP_DEFLATED)
    return b.getvalue()
put("sniff", "odt-bomb-understated", understate(odt_with(spaces), "content.xml", 1000, True))
def zip64_local(entries):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for n, c in entries:
            with z.open(n, "w", force_zip64=True) as f:
                f.write(c.encode())
    return b.getvalue()
put("sniff", "docx-zip64-local", zip64_local(docx))
put("sniff", "pdf", b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
put("sniff", "rtf", b"{\\rtf1\\ansi Jane Doe\\par }\n")
put("sniff", "text", "Jane Doe\nEngineer\n")
def ole(shift):
    b = bytearray(1536)
    b[0:8] = bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
    struct.pack_into("<HHHH", b, 0x1A, 3, 0xFFFE, shift, 6)
    name = "WordDocument"
    for i, c in enumerate(name):
        b[512 + 128 + 2 * i] = ord(c)
    struct.pack_into("<H", b, 512 + 128 + 64, 2 * (len(name) + 1))
    return bytes(b)
put("sniff", "doc", ole(9))
put("sniff", "ole-shift-65535", ole(0xFFFF)[:782])
put("sniff", "names", "../../etc/Lebenslauf Zo\u00eb\".pdf\nrest")

# form: event scripts (see fuzz_form.c)
put("form", "two-parts", b"\x07\x04file\x05cv.pdf" + b"A" * 7 + b"\x05\x04kind" + b"resume")
put("form", "chunks", b"\x05\x09full_name" + b"J" * 7 + b"\x08" + b"a" * 14 + b"\x08" + b"b" * 14)
put("form", "empty", b"\x01\x00")

# router
for i, (m, p) in enumerate([(0, "/v1/applicants/3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f"), (1, "/v1/apply"),
                             (4, "/v1/applicants/x/legal-hold"), (2, "//v1//openings/"), (0, "/healthz"),
                             (0, "eyIyMDI0LTAxLTAxVDAwOjAwOjAwWnwzZjFjIn0"), (3, "/v1/background-check-rules/US/CA")]):
    put("router", "r%d" % i, bytes([m]) + p.encode())

# archive: the employee archive's shape, and tampered ones
def targz(files):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        for n, c in files:
            ti = tarfile.TarInfo(n); ti.size = len(c); ti.mtime = 0
            t.addfile(ti, io.BytesIO(c))
    return gzip.compress(raw.getvalue(), mtime=0)
files = [("applicant.json", b'{"id":"a"}'), ("applications.json", b"[]"), ("documents/cv.txt", b"Jane\n")]
manifest = {"format_version": 1, "employee_id": "e", "applicant_id": "a", "created_at": "2026-01-01T00:00:00Z",
            "files": [{"path": n, "size": len(c), "sha256": hashlib.sha256(c).hexdigest()} for n, c in files]}
good = [("manifest.json", json.dumps(manifest).encode())] + files
put("archive", "good", targz(good))
put("archive", "duplicate", targz(good + [("applicant.json", b'{"id":"b"}')]))
put("archive", "dot-slash", targz(good + [("./applicant.json", b'{"id":"b"}')]))
put("archive", "truncated", targz(good)[:-12])

# head
for i, h in enumerate([b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
                       b"POST /v1/apply HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                       b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\nabc",
                       b"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n",
                       b"GET / HTTP/1.1\nHost: a\n\n",
                       b"\r\n\r\nGET / HTTP/1.0\r\n\r\n"]):
    put("head", "h%d" % i, h)

# chunked
for i, b in enumerate([b"5\r\nhello\r\n0\r\n\r\nGET / HTTP/1.1\r\n",
                       b"a;ext=1\r\n0123456789\r\n0\r\nX-T: a\r\n\r\n",
                       b"fffffffffffffff\r\nabc",
                       b"5\nhello\r\n0\r\n\r\n",
                       b"0\r\nX: a\r\n b\r\n\r\n",
                       b"0000000000000005\r\nhello\r\n0\r\n\r\n"]):
    put("chunked", "c%d" % i, b)

# idtoken: "JWKS\ntoken", tokens signed by openssl here (RS256 and ES256), and broken ones
def _idtoken_seeds():
    import base64, subprocess, tempfile
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    claims = {"iss": "https://idp.example.test", "aud": "recruitd-console", "sub": "user-1",
              "iat": 1799999990, "exp": 1800000300, "nonce": "n-123", "email": "hr@example.test"}
    with tempfile.TemporaryDirectory() as t:
        def run(*a, data=None):
            return subprocess.run(a, input=data, capture_output=True, check=True, cwd=t).stdout
        run("openssl", "genrsa", "-out", "rsa.pem", "2048")
        mod = run("openssl", "rsa", "-in", "rsa.pem", "-noout", "-modulus").decode().split("=")[1].strip()
        n = bytes.fromhex(mod)
        rsa_jwk = {"kty": "RSA", "kid": "rsa-1", "use": "sig", "alg": "RS256", "n": b64(n), "e": "AQAB"}
        run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.pem")
        pub = run("openssl", "ec", "-in", "ec.pem", "-pubout", "-outform", "DER")
        point = pub[-65:]  # uncompressed: 04 || X || Y
        ec_jwk = {"kty": "EC", "kid": "ec-1", "use": "sig", "alg": "ES256", "crv": "P-256",
                  "x": b64(point[1:33]), "y": b64(point[33:])}
        jwks = json.dumps({"keys": [rsa_jwk, ec_jwk]})
        def token(alg, kid, key, body=claims):
            signing = b64(json.dumps({"alg": alg, "kid": kid}).encode()) + "." + b64(json.dumps(body).encode())
            sig = run("openssl", "dgst", "-sha256", "-sign", key, data=signing.encode())
            if alg == "ES256":  # DER (r, s) to the raw 64 bytes JWS wants
                i = 2 if sig[1] < 0x80 else 3
                rl = sig[i + 1]; r = sig[i + 2:i + 2 + rl]; j = i + 2 + rl
                sl = sig[j + 1]; s = sig[j + 2:j + 2 + sl]
                sig = r[-32:].rjust(32, b"\0") + s[-32:].rjust(32, b"\0")
            return signing + "." + b64(sig)
        put("idtoken", "rs256", jwks + "\n" + token("RS256", "rsa-1", "rsa.pem"))
        put("idtoken", "es256", jwks + "\n" + token("ES256", "ec-1", "ec.pem"))
        put("idtoken", "unknown-kid", jwks + "\n" + token("RS256", "rsa-9", "rsa.pem"))
        put("idtoken", "wrong-kind", jwks + "\n" + token("ES256", "rsa-1", "ec.pem"))
        other = dict(claims, aud="someone-else")
        put("idtoken", "wrong-aud", jwks + "\n" + token("RS256", "rsa-1", "rsa.pem", other))
        none = b64(b'{"alg":"none","kid":"rsa-1"}') + "." + b64(json.dumps(claims).encode()) + "."
        put("idtoken", "alg-none", jwks + "\n" + none)
        put("idtoken", "garbage", jwks + "\nnot.a.token")
        put("idtoken", "no-jwks", "\n" + token("RS256", "rsa-1", "rsa.pem"))

_idtoken_seeds()

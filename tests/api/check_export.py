"""Check an export package with Python's zipfile, a tool recruitd does not share code with:
every file the manifest lists is there with its size and SHA-256, the package's own SHA-256 is
the one the request names, data.json is about the person, and no staff member's name is in it.
usage: check_export.py ZIP SHA256 EMAIL STAFF_NAME"""
import hashlib
import json
import sys
import zipfile

path, sha, email, staff = sys.argv[1:5]
with open(path, "rb") as f:
    raw = f.read()
assert hashlib.sha256(raw).hexdigest() == sha, "the package's sha256"
with zipfile.ZipFile(path) as z:
    assert z.testzip() is None, "a damaged member"
    names = set(z.namelist())
    manifest = json.loads(z.read("manifest.json"))
    listed = {f["path"] for f in manifest["files"]}
    assert listed | {"manifest.json"} == names, (listed, names)
    for f in manifest["files"]:
        data = z.read(f["path"])
        assert len(data) == f["size"], f["path"]
        assert hashlib.sha256(data).hexdigest() == f["sha256"], f["path"]
        assert staff.encode() not in data, "a staff member's name in " + f["path"]
        assert not f["path"].startswith("/") and ".." not in f["path"], f["path"]
    for need in ("data.json", "categories.json", "index.html"):
        assert need in names, need
    assert any(n.startswith("documents/01-") for n in names), "the resume"
    data = json.loads(z.read("data.json"))
    assert data["applicant"]["email"] == email
    assert "legal_hold" not in data["applicant"]
    assert len(data["documents"]) == sum(1 for n in names if n.startswith("documents/"))
    assert all(e["actor_role"] in ("applicant", "system", "staff") for e in data["audit"])
    assert data["applications"] and data["applications"][0]["history"]
    evaluations = [e for a in data["applications"] for e in a["evaluations"]]
    assert evaluations and all(set(e) == {"score", "summary", "at"} for e in evaluations)
    assert any(e["actor_role"] == "staff" for e in data["audit"]), "staff reads, by role"
    html = z.read("index.html").decode()
    assert email in html and "<script" not in html
print("export ok:", len(names), "files")

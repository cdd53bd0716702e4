"""Facts about the project that the deployment files must agree with, read from their one
source: the version from CMakeLists.txt's project(VERSION), the image's user from the
Dockerfile's last USER. Shared by check_compose.py and check_kubernetes.py."""
import pathlib
import re

root = pathlib.Path(__file__).resolve().parents[2]


def version():
    """project(conv VERSION x.y.z) in CMakeLists.txt, or None."""
    text = (root / "CMakeLists.txt").read_text()
    m = re.search(r"^project\(\s*conv\s+VERSION\s+([0-9][0-9.]*)", text, re.M)
    return m.group(1) if m else None


def image_user():
    """(uid, gid) of the runtime stage's last `USER uid[:gid]` in the Dockerfile, as ints, or
    None when there is none or it is not numeric (Kubernetes' runAsNonRoot needs a number)."""
    users = re.findall(r"^USER\s+(\S+)", (root / "Dockerfile").read_text(), re.M)
    m = re.fullmatch(r"(\d+)(?::(\d+))?", users[-1]) if users else None
    if not m:
        return None
    return int(m.group(1)), int(m.group(2) if m.group(2) is not None else m.group(1))


def image_tag_problem(image, where):
    """Why `image` is not conv at the project's version, or None when it is."""
    want = version()
    name, _, tag = (image or "").rpartition(":")
    if not name or "/" in tag:
        return f"{where}: image {image!r} has no tag (that means latest); want conv:{want}"
    if tag == "latest":
        return f"{where}: image {image!r} is tagged latest; want conv:{want}"
    if name.rsplit("/", 1)[-1] != "conv" or tag != want:
        return f"{where}: image {image!r} is not conv:{want} (project(VERSION) in CMakeLists.txt)"
    return None

"""Regenerates src/informix_grpc_proxy/gen from the repository's proto/ (API v1) with grpcio-tools.

google.rpc comes from googleapis-common-protos at run time, so only informix/proxy/v1 is generated. Imports
are rewritten to be package-relative, so the generated modules need nothing on sys.path. Never edit gen/.
"""

import pathlib
import re
import shutil
import sys

from grpc_tools import protoc

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
OUT = HERE.parent / "src" / "informix_grpc_proxy" / "gen"
PROTOS = ["informix/proxy/v1/values.proto", "informix/proxy/v1/sql_service.proto"]


def main() -> int:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    include = str(pathlib.Path(protoc.__file__).parent / "_proto")
    args = ["protoc", f"-I{ROOT / 'proto'}", f"-I{include}", f"--python_out={OUT}", f"--pyi_out={OUT}", f"--grpc_python_out={OUT}"]
    if protoc.main(args + PROTOS) != 0:
        return 1
    for path in OUT.rglob("*.py*"):
        text = path.read_text()
        text = re.sub(r"^from informix\.proxy\.v1 import", "from informix_grpc_proxy.gen.informix.proxy.v1 import", text, flags=re.M)
        path.write_text(text)
    for folder in [OUT, *[p for p in OUT.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").write_text("")
    return 0


if __name__ == "__main__":
    sys.exit(main())

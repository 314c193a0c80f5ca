"""The plan as a PDF: the Word document, converted by LibreOffice where it is installed, as a
tagged PDF/UA document."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

PROGRAMS = ("soffice", "libreoffice")
# Tagged (a structure tree a screen reader follows) and PDF/UA, showing the document's title.
ACCESSIBLE = json.dumps({option: {"type": "boolean", "value": "true"} for option in
                         ("UseTaggedPDF", "PDFUACompliance", "DisplayPDFDocTitle")})


class PdfError(Exception):
    """Why there is no PDF, in Dutch."""


def to_pdf(docx: bytes) -> bytes:
    """``docx`` as a PDF; ``PdfError`` when LibreOffice (with Writer) is not there or fails."""
    program = next((found for name in PROGRAMS if (found := shutil.which(name))), None)
    if program is None:
        raise PdfError("Voor een PDF is LibreOffice nodig, en dat is op deze computer niet "
                       "geïnstalleerd (bijvoorbeeld: apt install libreoffice-writer-nogui). "
                       "Exporteer anders naar Word met --formaat docx.")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "ontwikkelplan.docx"
        source.write_bytes(docx)
        done = subprocess.run(
            [program, f"-env:UserInstallation=file://{folder}/profiel", "--headless",
             "--convert-to", f"pdf:writer_pdf_Export:{ACCESSIBLE}", "--outdir", folder, str(source)],
            capture_output=True, timeout=180, check=False)
        target = source.with_suffix(".pdf")
        if done.returncode != 0 or not target.exists():
            raise PdfError("LibreOffice kon het ontwikkelplan niet omzetten naar PDF (is de "
                           "tekstverwerker Writer geïnstalleerd?). Exporteer anders naar Word met "
                           "--formaat docx.")
        return target.read_bytes()

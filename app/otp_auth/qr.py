"""The secret as a QR code for authenticator apps (segno), as inline SVG for a page."""

from __future__ import annotations

import io

import segno

from app.otp_auth.totp import provisioning_uri


def qr_svg(secret: str, account: str, issuer: str) -> str:
    """An `<svg>` element (no XML declaration) encoding the `otpauth://` URI."""
    code = segno.make(provisioning_uri(secret, account, issuer), error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, title=issuer)
    return buffer.getvalue().decode()

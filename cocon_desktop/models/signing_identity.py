"""The practice's signing identity: its certificate and private key, kept only inside the encrypted database
(or a PKCS#11 token: then only the token's module path, token label and key label are here)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cocon_desktop.models.base import Base


class SigningIdentity(Base):
    __tablename__ = "signing_identity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(12))  # "self_signed", "pkcs12", "pkcs11"
    label: Mapped[str] = mapped_column(String(200))
    certificate_pem: Mapped[str] = mapped_column(Text)
    private_key_der: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # None for a token
    pkcs11_module: Mapped[str] = mapped_column(String(300), default="")
    pkcs11_key_label: Mapped[str] = mapped_column(String(100), default="")  # the key's and certificate's label
    pkcs11_token_label: Mapped[str] = mapped_column(String(100), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

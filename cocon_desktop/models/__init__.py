"""SQLAlchemy 2 ORM models. No Qt, no services. Importing this package registers every table."""

from cocon_desktop.models.base import Base
from cocon_desktop.models.practice import Practice
from cocon_desktop.models.setting import Setting

__all__ = ["Base", "Practice", "Setting"]

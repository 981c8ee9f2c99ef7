"""Every component's tables in one metadata, for migrations (never imported by components)."""

from yuanzi.channels import models as channels_models  # noqa: F401 - registers channels tables
from yuanzi.chats import models as chats_models  # noqa: F401 - registers chats tables
from yuanzi.core import clock, events  # noqa: F401 - registers core tables
from yuanzi.core.db import Base
from yuanzi.identity import models as identity_models  # noqa: F401 - registers identity tables
from yuanzi.live import models as live_models  # noqa: F401 - registers live tables
from yuanzi.pay import ledger as pay_ledger  # noqa: F401 - registers the ledger tables
from yuanzi.pay import models as pay_models  # noqa: F401 - registers pay tables
from yuanzi.search import models as search_models  # noqa: F401 - registers search tables
from yuanzi.wecom import models as wecom_models  # noqa: F401 - registers wecom tables

metadata = Base.metadata

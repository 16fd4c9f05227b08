from tests.marketplace.integrations.conftest import (  # noqa: F401
    make_token,
    post,
    product,
    store,
    token,
)
from tests.rewards.conftest import threads_db  # noqa: F401

# The production-stack fixtures (collectstatic once, the PostgreSQL test database's address).
from tests.ops.conftest import collected_static, postgres_url  # noqa: F401

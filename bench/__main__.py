"""`make bench`: every benchmark, each printing its figures against a baseline of the same run."""

from __future__ import annotations

import asyncio

from bench import auth_overhead, paging

if __name__ == "__main__":
    asyncio.run(auth_overhead.main(2000))
    asyncio.run(paging.main(200_000, 300))

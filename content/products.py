"""The product words of content/products.yaml: which words name the same kind of product
in our four languages. Pure data; the sales flow matches a member's word with it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from content.loading import Strict, parse

PRODUCTS_FILE = Path(__file__).parent / "products.yaml"


class ProductWords(Strict):
    groups: dict[str, tuple[str, ...]]


@cache
def product_words(path: Path = PRODUCTS_FILE) -> ProductWords:
    return parse(ProductWords, path.read_text(encoding="utf-8"), path.name)

"""Cards: how a component shows, inside another, a thing it owns — a mini program page, a product,
a live room, a voucher, a "add this WeCom contact" card, a customer-service (微信客服) entry.

A card is referenced by `(kind, ref)`. The component that owns a kind registers a resolver (in its
`cards.py`) that turns a ref into a `Card`, or None when the thing does not exist. Kinds whose
component is not built (or not loaded) still resolve: to a plain typed link, marked unresolved,
so content that mentions them keeps working and lights up when the component arrives.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from yuanzi.core.errors import InvalidInput
from yuanzi.core.uow import UnitOfWork

# The kinds the platform knows about, whether or not their component is built yet.
KINDS = ("miniprogram", "product", "live_room", "coupon", "wecom_contact", "kf", "post")
REF_MAX = 256


@dataclasses.dataclass(frozen=True)
class CardRef:
    """What content stores: the kind of thing and its id in the owning component's terms."""

    kind: str
    ref: str


@dataclasses.dataclass(frozen=True)
class Card:
    """A card as screens show it."""

    kind: str
    ref: str
    title: str
    subtitle: str = ""
    image_url: str | None = None
    action_url: str | None = None
    resolved: bool = True


Resolver = Callable[[UnitOfWork, str], Card | None]
_resolvers: dict[str, Resolver] = {}


def register(kind: str, resolver: Resolver) -> None:
    """Make `kind` resolvable (called by the owning component's cards module when imported)."""
    if kind not in KINDS:
        raise ValueError(f"unknown card kind {kind!r}; add it to core.cards.KINDS")
    _resolvers[kind] = resolver


def check(uow: UnitOfWork, ref: CardRef) -> None:
    """InvalidInput unless `ref` names a known kind and — when its component is present — a thing
    that exists."""
    if ref.kind not in KINDS:
        raise InvalidInput(f"unknown card kind {ref.kind!r}; one of {', '.join(KINDS)}", field="cards")
    if not ref.ref or len(ref.ref) > REF_MAX:
        raise InvalidInput(f"a card ref must be 1–{REF_MAX} characters", field="cards")
    resolver = _resolvers.get(ref.kind)
    if resolver is not None and resolver(uow, ref.ref) is None:
        raise InvalidInput(f"the {ref.kind} card {ref.ref!r} names nothing that exists", field="cards")


def resolve(uow: UnitOfWork, ref: CardRef) -> Card:
    """The card to show for `ref`: resolved by its component, or a plain typed link."""
    resolver = _resolvers.get(ref.kind)
    card = resolver(uow, ref.ref) if resolver is not None else None
    if card is None:
        return Card(kind=ref.kind, ref=ref.ref, title=f"{ref.kind}: {ref.ref}", resolved=False)
    return card

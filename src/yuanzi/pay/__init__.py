"""Pay: WeChat Pay API v3 — merchants and keys, the signed protocol, orders, the ledger."""

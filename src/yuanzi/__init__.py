"""yuanzi (原子): the WeChat ecosystem's atomic components, open and self-hostable."""

__version__ = "0.1.0"

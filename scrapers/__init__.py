"""cctp-archive pipeline: raw documents → clean Markdown with trustworthy metadata.

Stages (one job each, one plain record flowing through them):
``sources`` (read raw input) → ``clean`` → ``extract`` (metadata) → ``enrich`` → ``write``;
then ``check`` → Pelican build → ``index``.
"""

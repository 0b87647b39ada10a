"""Turtle-værktøjet / the one Turtle toolkit: tokens, subject scan, syntax tree, printer, IRIs.

- :mod:`.lexer` – the token rules (``TOKEN_SPEC``), ``tokenize`` and the fast ``lex``;
- :mod:`.iri` – IRI references and prefixed names resolved as the strict parser does;
- :mod:`.scan` – where each subject is written (``scan_subjects``) and every mention (``mentions``);
- :mod:`.syntax` – the comment-keeping tree ``fmt`` rewrites; :mod:`.printer` – fmt's one layout.

Everything here runs on text the strict parser (pyoxigraph) has accepted.
"""

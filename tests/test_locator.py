"""The locator finds the line where each IRI is first written as a subject."""

from arkitektur.locator import Locator

TEXT = '''# kommentar med ex:a og <https://example.org/b>
@prefix ex: <https://example.org/> .
PREFIX ark: <https://w3id.org/arkitektur/ontologi#>
@base <https://example.org/base/> .

ex:a ark:navn """en
lang streng med ex:c . og ; tegn
""" ;
    ark:x ex:b .

<relativ> ark:y [ ark:z ex:c ] , ( ex:d ex:e ) .
ex:b
  a ark:Kommune .
ex:esc\\-aped ark:y 1.5 .
[] ark:y ex:f .
ex:c ark:y "x" .
'''


def test_subject_lines():
    loc = Locator()
    loc.add_file("f.ttl", TEXT)
    assert loc.locate("https://example.org/a") == ("f.ttl", 6)
    assert loc.locate("https://example.org/base/relativ") == ("f.ttl", 11)
    assert loc.locate("https://example.org/b") == ("f.ttl", 12)
    assert loc.locate("https://example.org/esc-aped") == ("f.ttl", 14)
    assert loc.locate("https://example.org/c") == ("f.ttl", 16)


def test_objects_only_fall_back_to_first_mention():
    loc = Locator()
    loc.add_file("f.ttl", TEXT)
    assert loc.locate("https://example.org/d") == ("f.ttl", 11)
    assert loc.locate("https://example.org/f") == ("f.ttl", 15)
    assert loc.locate("https://example.org/nowhere") == (None, None)


def test_model_files_win_over_the_fallback():
    shipped = Locator()
    shipped.add_file("ontologi.ttl", "@prefix ex: <https://example.org/> .\nex:b ex:p ex:q .\n")
    loc = Locator(fallback=shipped)
    loc.add_file("m.ttl", "@prefix ex: <https://example.org/> .\n\nex:x ex:p ex:b .\nex:b ex:p 1 .\n")
    assert loc.locate("https://example.org/b") == ("m.ttl", 4)
    assert loc.locate("https://example.org/q") == ("ontologi.ttl", 2)


def test_lines_looked_up_in_any_order_are_the_lines_of_the_text():
    """Findings arrive in batches (tests/test_streaming.py), each in line order: a line is found
    from the nearest one looked up before, whichever order they come in."""
    import random

    from arkitektur.locator import Source

    lines = [f"ex:s{i} ex:p {i} ." if i % 7 else "" for i in range(1, 3001)]
    src = Source("\n".join(lines) + "\n", {}, None, [])
    order = list(range(1, 3001)) + [3001, 3002, 0]
    random.Random(2015).shuffle(order)
    for n in order:
        expected = lines[n - 1] if 1 <= n <= 3000 else ("" if n == 3001 else None)
        assert src.line(n) == expected, n

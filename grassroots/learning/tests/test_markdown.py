"""Editor-written Markdown comes out as safe, GOV.UK-styled HTML (`learning.markdown`)."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from grassroots.learning.markdown import MAX_INPUT, render, sanitise


def test_script_tags_stay_text() -> None:
    html = render("Hello <script>alert('x')</script> there\n\n<script>\nalert(1)\n</script>")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_raw_html_blocks_are_escaped_not_kept() -> None:
    html = render(
        '<div class="x" onclick="steal()">\n\n*hi*\n\n</div>\n\n<iframe src="/"></iframe>'
    )
    assert "<div" not in html
    assert "<iframe" not in html
    assert "<em>hi</em>" in html


def test_event_handler_attributes_never_reach_the_page() -> None:
    html = render('<a href="/" onmouseover="steal()">x</a> [y](/ "t" onclick=steal())')
    assert '<a href="/" onmouseover' not in html
    assert "&lt;a href" in html


def test_the_sanitiser_alone_strips_scripts_handlers_and_bad_urls() -> None:
    """The second line of defence, should HTML ever reach it: nh3's allow-list."""
    html = sanitise(
        '<p onclick="steal()" style="x" title="t">a<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)" onfocus="x">b</a><a href="data:text/html,x">c</a>'
        '<img src="x" onerror="steal()"><iframe src="/"></iframe><h1>d</h1>'
        '<a href="https://example.org/" target="_blank" class="evil">e</a>'
    )
    for banned in ("onclick", "onfocus", "onerror", "style", "title", "<script", "alert(1)"):
        assert banned not in html
    for banned in ("javascript:", "data:", "<img", "<iframe", "<h1", "evil", "target"):
        assert banned not in html
    assert '<p class="govuk-body">a</p>' in html
    assert '<a href="https://example.org/" class="govuk-link"' in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java%0ascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "//evil.example/",
        "ftp://files.example/",
    ],
)
def test_unsafe_link_targets_lose_their_address(url: str) -> None:
    html = render(f"[click]({url}) and <{url}>")
    assert "href" not in html


def test_a_backslash_cannot_turn_a_path_into_another_site() -> None:
    html = render("[click](/\\evil.example/)")
    assert "\\" not in html
    assert 'href="/%5Cevil.example/"' in html


@pytest.mark.parametrize(
    "url",
    ["https://www.gov.uk/", "http://example.org/a?b=c", "mailto:clerk@example.org", "/groups/"],
)
def test_safe_links_are_govuk_links_that_do_not_leak_the_opener(url: str) -> None:
    html = render(f"[A link]({url})")
    assert f'href="{url.replace("&", "&amp;")}"' in html
    assert 'class="govuk-link"' in html
    assert "noopener" in html
    assert "noreferrer" in html


def test_headings_move_down_a_level_so_the_page_keeps_one_h1() -> None:
    html = render("# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six")
    assert "<h1" not in html
    assert '<h2 class="govuk-heading-m">One</h2>' in html
    assert '<h3 class="govuk-heading-s">Two</h3>' in html
    assert '<h4 class="govuk-heading-s">Three</h4>' in html
    assert '<h4 class="govuk-heading-s">Four</h4>' in html
    assert '<h4 class="govuk-heading-s">Six</h4>' in html
    assert "<h5" not in html
    assert "<h6" not in html


def test_nested_lists_keep_their_shape_and_classes() -> None:
    html = render("- first\n  - inner\n    1. deep\n- second\n\n1. one\n2. two")
    assert html.count('<ul class="govuk-list govuk-list--bullet">') == 2
    assert html.count('<ol class="govuk-list govuk-list--number">') == 2
    assert "<li>inner\n<ol" in html


def test_allowed_elements_get_govuk_classes() -> None:
    html = render("Text **bold** _em_ `code`\n\n> quoted\n\n---\n\n```\nblock\n```")
    assert '<p class="govuk-body">' in html
    assert "<strong>bold</strong>" in html
    assert "<em>em</em>" in html
    assert "<code>code</code>" in html
    assert '<blockquote class="govuk-inset-text">' in html
    assert "<hr class=" in html
    assert "<pre><code>block\n</code></pre>" in html


def test_images_are_not_embedded() -> None:
    html = render("![tracking pixel](https://example.org/p.png)")
    assert "<img" not in html


def test_welsh_and_other_unicode_text_is_kept() -> None:
    text = "Croeso i’r cyngor: ŵ ŷ â ê — 日本語 😀"
    assert text in render(text)


def test_input_over_the_bound_is_refused() -> None:
    with pytest.raises(ValueError, match="longer"):
        render("a" * (MAX_INPUT + 1))


def test_the_template_filter_renders_safe_html() -> None:
    template = Template("{% load learning_markdown %}{{ body|guide_markdown }}")
    html = template.render(Context({"body": "# Title\n\n<b>x</b>"}))
    assert '<h2 class="govuk-heading-m">Title</h2>' in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html

"""Template tags for templates rendered to PDF: static files as ``file:`` URIs, which the
PDF pipeline's URL fetcher reads from disk (and the same HTML saved to a file still works)."""

from django import template

from hall.pdf import media_uri, static_uri

register = template.Library()


@register.simple_tag
def pdf_static(name: str) -> str:
    return static_uri(name)


@register.filter
def pdf_media(field_file) -> str:
    return media_uri(field_file)

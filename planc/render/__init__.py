"""Pictures and pages: workout profiles as SVG, and a plan as an offline static site.

``profile`` is the geometry (time -> width, intensity -> height, zone -> colour),
``svgdraw`` draws it, ``charts`` draws the plan's load and fitness chart, and
``site`` renders the HTML pages from the jinja2 templates in ``templates/``.
"""

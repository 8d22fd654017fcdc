"""The language server: pygls wiring around :mod:`planc.lsp.analysis`.

Every open document is read again on each change (planc reads a workout in about a
millisecond and a 52-week plan in a few hundred; ``bench/bench_lsp.py`` measures it)
and its diagnostics are published at once.  A plan's diagnostics that point into a
file the editor has not opened (an included library) are published for that file
too, and cleared when they go away; an open file shows only its own reading, so two
readings never fight over one file.  Editing a library also re-reads the open plans
that include it.

Positions: LSP counts lines from 0 and characters in the client's encoding (UTF-16
by default); planc counts both from 1, characters as code points.  The document's
position codec converts.

Client settings (``initializationOptions`` or ``workspace/didChangeConfiguration``
under ``planc``): ``athlete``, an athlete file for hovers on standalone workout files
(plans use their own), and ``sport``, the sport of workout files without a header.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import PositionCodec

from planc import __version__
from planc.ast import NO_SPAN, Span
from planc.diagnostics import Diagnostic, Severity, error
from planc.inputs import MAX_INPUT_BYTES
from planc.lsp import analysis
from planc.lsp.analysis import PLAN, Analysis, Settings

log = logging.getLogger(__name__)

SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.NOTE: types.DiagnosticSeverity.Information,
}
KIND = {
    "keyword": types.CompletionItemKind.Keyword,
    "unit": types.CompletionItemKind.Unit,
    "value": types.CompletionItemKind.Value,
    "workout": types.CompletionItemKind.Function,
    "parameter": types.CompletionItemKind.Variable,
    "key": types.CompletionItemKind.Property,
}
TRIGGERS = [" ", "=", ":", "{", ","]


class PlancServer(LanguageServer):
    """The server's state: settings, the latest reading of each open document, and which
    files each reading published diagnostics for (to clear them later)."""

    def __init__(self) -> None:
        super().__init__("planc", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings = Settings()
        self.analyses: dict[str, Analysis] = {}  # uri -> latest reading
        self.published: dict[str, set[str]] = {}  # owner uri -> other uris it published

    # ------------------------------------------------------------ reading --

    def open_texts(self, but: str) -> dict[str, str]:
        out = {}
        for uri in self.analyses:
            if uri != but and (path := to_fs_path(uri)):
                out[path] = self.workspace.get_text_document(uri).source
        return out

    def refresh(self, uri: str, *, dependants: bool = True) -> None:
        """Read the document again and publish what it says; then the open plans that use it."""
        path = to_fs_path(uri)
        if path is None:
            return
        doc = self.workspace.get_text_document(uri)
        text = doc.source
        if len(text.encode("utf-8", "surrogatepass")) > MAX_INPUT_BYTES:
            an = Analysis(path, analysis.document_kind(path), "", diagnostics=[error(
                "too-large", f"the file is larger than {MAX_INPUT_BYTES // 1_000_000} MB, "
                "the most planc reads", path=path, hint="split it")])
            self.analyses[uri] = an
            self.publish(uri, an)
            return
        an = analysis.analyse(path, text, open_texts=self.open_texts(uri),
                              settings=self.settings)
        self.analyses[uri] = an
        self.publish(uri, an)
        if dependants:
            self.refresh_dependants(uri)

    def publish(self, uri: str, an: Analysis) -> None:
        doc = self.workspace.get_text_document(uri)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=doc.version,
            diagnostics=[to_lsp(d, doc.lines, doc.position_codec)
                         for d in an.diagnostics_for(an.path)]))
        others: dict[str, list[types.Diagnostic]] = {}
        open_paths = {to_fs_path(u) for u in self.analyses}
        for d in an.diagnostics:
            if d.path.startswith("<") or analysis.same_path(d.path, an.path) or any(
                    analysis.same_path(d.path, p) for p in open_paths if p):
                continue
            lines = _source_lines(d.path)
            others.setdefault(from_fs_path(d.path) or d.path, []).append(
                to_lsp(d, lines, self.workspace.position_codec))
        for stale in self.published.get(uri, set()) - set(others):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=stale, diagnostics=[]))
        for other_uri, diags in others.items():
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=other_uri, diagnostics=diags))
        self.published[uri] = set(others)

    def forget(self, uri: str) -> None:
        """A closed document: its diagnostics go, and the open plans that include it read
        it from disk again (its unsaved text is gone)."""
        self.analyses.pop(uri, None)
        for stale in self.published.pop(uri, set()):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=stale, diagnostics=[]))
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=[]))
        self.refresh_dependants(uri)

    def refresh_dependants(self, uri: str) -> None:
        """Read again the open plans that include the file at ``uri``."""
        path = to_fs_path(uri)
        for other, known in list(self.analyses.items()):
            if path and other != uri and known.kind == PLAN and any(
                    analysis.same_path(f, path) for f in known.files[1:]):
                self.refresh(other, dependants=False)

    def configure(self, options: Any) -> None:
        if isinstance(options, dict):
            options = options.get("planc", options)
            if isinstance(options, dict):
                athlete, sport = options.get("athlete"), options.get("sport")
                self.settings = Settings(athlete if isinstance(athlete, str) else None,
                                         sport if isinstance(sport, str) else None)

    # ---------------------------------------------------------- questions --

    def position(self, uri: str, pos: types.Position) -> tuple[Analysis, int, int] | None:
        """The document's reading and the 1-based line and column of an LSP position."""
        an = self.analyses.get(uri)
        if an is None:
            return None
        doc = self.workspace.get_text_document(uri)
        server_pos = doc.position_codec.position_from_client_units(doc.lines, pos)
        return an, server_pos.line + 1, server_pos.character + 1

    def open_plans(self, but: str) -> tuple[Analysis, ...]:
        return tuple(a for u, a in self.analyses.items() if u != but and a.kind == PLAN)


def _source_lines(path: str) -> list[str]:
    from planc.inputs import source_text

    return (source_text(path) or "").splitlines(keepends=True)


def to_lsp_range(span: Span, lines: Sequence[str], codec: PositionCodec) -> types.Range:
    """A planc span (1-based, end exclusive, code points) as an LSP range."""
    if span == NO_SPAN:
        return types.Range(start=types.Position(line=0, character=0),
                           end=types.Position(line=0, character=0))
    rng = types.Range(
        start=types.Position(line=max(span.line - 1, 0), character=max(span.column - 1, 0)),
        end=types.Position(line=max(span.end_line - 1, 0), character=max(span.end_column - 1, 0)))
    return codec.range_to_client_units(list(lines), rng)


def to_lsp(d: Diagnostic, lines: Sequence[str], codec: PositionCodec) -> types.Diagnostic:
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    return types.Diagnostic(range=to_lsp_range(d.span, lines, codec), message=message,
                            severity=SEVERITY[d.severity], code=d.code, source="planc",
                            data={"hint": d.hint} if d.hint else None)


def create_server() -> PlancServer:
    """A server with every feature registered (one per LSP request planc answers)."""
    server = PlancServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: PlancServer, params: types.InitializeParams) -> None:
        ls.configure(params.initialization_options)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def configuration(ls: PlancServer, params: types.DidChangeConfigurationParams) -> None:
        ls.configure(params.settings)
        for uri in list(ls.analyses):
            ls.refresh(uri, dependants=False)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PlancServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PlancServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PlancServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PlancServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    _register_questions(server)
    _register_formatting(server)
    return server


def _register_questions(server: PlancServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: PlancServer, params: types.HoverParams) -> types.Hover | None:
        where = ls.position(params.text_document.uri, params.position)
        if where is None:
            return None
        an, line, column = where
        text = analysis.hover(an, line, column, ls.open_plans(params.text_document.uri))
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                     value=text))

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=TRIGGERS))
    def completion(ls: PlancServer, params: types.CompletionParams) -> types.CompletionList:
        where = ls.position(params.text_document.uri, params.position)
        items: list[types.CompletionItem] = []
        if where is not None:
            an, line, column = where
            for c in analysis.completions(an, line, column):
                items.append(types.CompletionItem(label=c.label, kind=KIND.get(c.kind),
                                                  detail=c.detail or None,
                                                  insert_text=c.insert))
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: PlancServer, params: types.DefinitionParams) -> types.Location | None:
        where = ls.position(params.text_document.uri, params.position)
        if where is None:
            return None
        found = analysis.definition(*where)
        if found is None:
            return None
        path, span = found
        target = from_fs_path(path)
        if target is None:
            return None
        if target in ls.analyses:
            doc = ls.workspace.get_text_document(target)
            lines, codec = doc.lines, doc.position_codec
        else:
            lines, codec = _source_lines(path), ls.workspace.position_codec
        return types.Location(uri=target, range=to_lsp_range(span, lines, codec))


def _register_formatting(server: PlancServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: PlancServer,
                   params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        """The whole document laid out by planc fmt (nothing for a file with errors)."""
        from planc.fmt import FmtError, format_text

        uri = params.text_document.uri
        path = to_fs_path(uri)
        if path is None or uri not in ls.analyses:
            return None
        doc = ls.workspace.get_text_document(uri)
        if analysis.document_kind(path) == PLAN and not analysis.is_planc_yaml(doc.source):
            return None
        try:
            done = format_text(doc.source, path, sport=ls.settings.sport)
        except FmtError as exc:
            ls.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Error, message=str(exc)))
            return None
        if done.text is None or done.text == doc.source:
            return []
        lines = list(doc.lines)
        end = types.Position(line=len(lines), character=0)
        whole = types.Range(start=types.Position(line=0, character=0), end=end)
        return [types.TextEdit(range=whole, new_text=done.text)]


def serve() -> None:
    """Answer LSP requests on standard input and output until the client exits."""
    create_server().start_io()

"""ScriptedFakeModel: a clearly fake stand-in for an instructor client, for unit tests of the
plumbing around the model (chunk merging, cache, accounting). It answers each table chunk
with the rows a script holds for the row labels that occur in the chunk's text. It is no
model and proves nothing about extraction quality; the cassette tests use a real server."""

from __future__ import annotations

from types import SimpleNamespace

from pipeline.llm.models import LLMFigures, LLMIndicators, LLMRow, LLMTable


class ScriptedFakeModel:
    def __init__(self, script: dict[str, list[LLMRow]]):
        self.script = script  # row label or code -> rows to answer when it is in the chunk
        self.requests: list[dict] = []
        self.hooks: dict[str, list] = {}
        self.chat = SimpleNamespace(completions=SimpleNamespace(
            create_with_completion=self.create_with_completion))

    def on(self, name, handler):
        self.hooks.setdefault(name, []).append(handler)

    def create_with_completion(self, *, model, messages, response_model, **kw):
        self.requests.append({"model": model, "messages": messages, **kw})
        text = messages[-1]["content"]
        usage = SimpleNamespace(prompt_tokens=len(text), completion_tokens=10)
        for h in self.hooks.get("completion:response", []):
            h(SimpleNamespace(usage=usage))
        if response_model is LLMTable:
            rows = [r for key, rs in self.script.items() if key in text for r in rs]
            answer = LLMTable.model_validate({"rows": [r.model_dump() for r in rows]},
                                             context={"check_arithmetic": False})
        elif response_model is LLMIndicators:
            answer = LLMIndicators(indicators=[])
        else:
            answer = LLMFigures(figures=[])
        return answer, SimpleNamespace(usage=usage)

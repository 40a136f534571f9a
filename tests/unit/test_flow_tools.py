"""Flow files are checked, drawn, previewed and extracted for translators under the contexts the bot uses."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.extract import extract
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from bot.app import answer_problems
from bot.cli import main
from bot.conversation import (
    Edit,
    Enter,
    Event,
    Facts,
    FlowError,
    Output,
    Press,
    TextIn,
    Toast,
    begin,
    load_flow,
    load_flows,
    step,
)
from bot.conversation.diagram import mermaid
from bot.conversation.extract import extract_flows
from bot.conversation.machine import Choice
from bot.conversation.preview import graph_order, preview
from bot.domain import Msg, Reply, Text, Verbatim

FLOWS = Path(__file__).resolve().parents[2] / "flows"
Extracted = tuple[str, int, str | tuple[str, ...], list[str], str | None]


def _extracted() -> list[Extracted]:
    entries: list[Extracted] = []
    for path in sorted(FLOWS.glob("*.yaml")):
        with path.open("rb") as handle:
            entries += [(path.name, *entry) for entry in extract(extract_flows, handle)]
    return entries


def _by_context() -> dict[str, Extracted]:
    return {entry[4]: entry for entry in _extracted() if entry[4] is not None}


def _fake_render(text: Text) -> str:
    if isinstance(text, Verbatim):
        return text.text
    return "«" + text.msgid.format_map(dict(text.params)) + "»"


def _write(tmp_path: Path, body: str, name: str = "broken") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"id: {name}\nversion: 1\nstart: a\nnodes:\n{body}", encoding="utf-8")
    return path


# ---- extraction ---------------------------------------------------------------------------------


def test_translators_get_the_consent_text_with_its_note_under_the_engines_context() -> None:
    entries = _by_context()
    _, lineno, message, comments, _ = entries["intake.consent.say"]
    assert isinstance(message, str) and message.startswith("Welcome to “{title}”.")
    assert "/forgetme" in message
    assert comments == [load_flows()["intake"].nodes["consent"].note]
    lines = Path("flows/intake.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[lineno - 1].strip().startswith("say: |"), "the line of the consent text, for translators to find"
    assert entries["intake.consent.options.agree"][2] == "Yes, I agree"
    assert entries["intake.consent.options.decline"][3] == comments
    assert entries["ideas.ask.collect.received"][2] == "Idea {n} received:\n{idea}"


def test_every_extracted_text_has_its_own_context_and_a_real_line() -> None:
    entries = _extracted()
    contexts = [entry[4] for entry in entries]
    assert None not in contexts
    assert len(contexts) == len(set(contexts))
    assert all(entry[1] >= 1 for entry in entries)
    assert not any(str(context).endswith("collect.undo") for context in contexts)


def test_nothing_the_engine_says_from_a_flow_is_missing_from_the_catalog() -> None:
    flows = load_flows()
    extracted = set(_by_context())
    facts = Facts(
        params={"title": "T", "question": "Q"},
        options={"languages": (Choice("en", Verbatim("English")),), "groups": (Choice("g", Verbatim("G")),)},
        idea_limit=2,
    )
    said: set[str] = set()
    intake = begin(flows["intake"], facts)
    said |= _contexts(intake.outputs)
    for event in (Press("language:en"), Press("consent:agree"), Press("group:g")):
        intake = step(flows["intake"], intake.state, event, facts)
        said |= _contexts(intake.outputs)
    ideas = begin(flows["ideas"], facts)
    events: tuple[Event, ...] = (Enter(), TextIn("one"), TextIn("two"))
    for message in events:
        ideas = step(flows["ideas"], ideas.state, message, facts)
        said |= _contexts(ideas.outputs)
    flow_contexts = {c for c in said if c.split(".")[0] in flows}
    assert {"intake.consent.options.agree", "ideas.ask.collect.limit_reached"} <= flow_contexts
    assert flow_contexts <= extracted


def _contexts(outputs: Iterable[Output]) -> set[str]:
    texts: list[Text] = []
    for output in outputs:
        if isinstance(output, Toast):
            texts.append(output.text)
            continue
        reply = output.reply if isinstance(output, Edit) else output
        if isinstance(output, Edit):
            texts += output.chosen
        if isinstance(reply, Reply):
            texts.append(reply.text)
            texts += [button.label for row in reply.buttons for button in row]
    return {text.context for text in texts if isinstance(text, Msg)}


@pytest.mark.parametrize("keywords", [["-k", "Msg:1c,2"], ["--no-default-keywords", "-k", "Msg:1c,2"]])
def test_pybabel_extract_writes_the_contexts_and_notes_into_the_template(tmp_path: Path, keywords: list[str]) -> None:
    mapping = tmp_path / "babel.cfg"
    mapping.write_text("[bot.conversation.extract.extract_flows: *.yaml]\n", encoding="utf-8")
    pot = tmp_path / "messages.pot"
    argv = ["pybabel", "-q", "extract", f"--mapping-file={mapping}", *keywords, f"--output-file={pot}", str(FLOWS)]
    CommandLineInterface().run(argv)
    with pot.open("rb") as handle:
        catalog = read_po(handle)
    agree = catalog.get("Yes, I agree", context="intake.consent.options.agree")
    assert agree is not None and agree.auto_comments and "Consent text" in agree.auto_comments[0]
    assert catalog.get("Done", context="ideas.ask.collect.done") is not None
    assert catalog.get("Yes, I agree") is None


def test_a_broken_flow_is_refused_by_the_extractor_too(tmp_path: Path) -> None:
    path = _write(tmp_path, "  a:\n    say: hi\n    nexxt: b\n    end: true\n")
    with pytest.raises(FlowError, match="nexxt"), path.open("rb") as handle:
        list(extract_flows(handle, ["pgettext"], [], {}))


def test_extracting_without_a_context_keyword_says_what_to_pass() -> None:
    with pytest.raises(ValueError, match="Msg:1c,2"), (FLOWS / "intake.yaml").open("rb") as handle:
        list(extract_flows(handle, ["_"], [], {}))


# ---- broken flow files ---------------------------------------------------------------------------


def test_a_bad_option_id_names_the_file_node_and_field(tmp_path: Path) -> None:
    body = "  a:\n    say: hi\n    result: r\n    choose:\n      options:\n        - id: Agree!\n          label: ok\n"
    path = _write(tmp_path, body + "    end: true\n")
    with pytest.raises(FlowError) as error:
        load_flow(path)
    assert str(path) in str(error.value)
    assert "node 'a', field choose.options.0.id" in str(error.value)


def test_an_unknown_key_names_the_file_node_and_field(tmp_path: Path) -> None:
    path = _write(tmp_path, "  a:\n    say: hi\n    nexxt: b\n    end: true\n")
    with pytest.raises(FlowError) as error:
        load_flow(path)
    assert f"{path}: node 'a', field nexxt:" in str(error.value)


def test_a_next_to_an_unknown_node_names_the_file_node_and_target(tmp_path: Path) -> None:
    path = _write(tmp_path, "  a:\n    say: hi\n    next: nowhere\n")
    with pytest.raises(FlowError) as error:
        load_flow(path)
    message = str(error.value)
    assert str(path) in message and "node 'a'" in message and "'nowhere'" in message


# ---- diagram -------------------------------------------------------------------------------------


def test_the_intake_diagram_shows_the_decline_branch_and_the_way_into_ideas() -> None:
    chart = mermaid(load_flows()["intake"])
    assert chart.startswith("flowchart TD\n")
    assert "consent -->|decline| declined" in chart
    assert 'consent["consent (choose)"]' in chart
    assert 'joined(["joined (say)"])' in chart
    assert "joined --> FLOW_ideas" in chart and 'FLOW_ideas[["ideas"]]' in chart
    assert chart == mermaid(load_flows()["intake"])


def test_a_node_called_end_does_not_break_the_diagram(tmp_path: Path) -> None:
    path = _write(tmp_path, "  a:\n    say: hi\n    next: end\n  end:\n    say: bye\n    end: true\n", "tiny")
    chart = mermaid(load_flow(path))
    assert "a --> End" in chart and 'End(["end (say)"])' in chart


# ---- preview -------------------------------------------------------------------------------------


def test_the_intake_preview_shows_every_question_and_button_in_graph_order() -> None:
    intake = load_flows()["intake"]
    text = preview(intake, _fake_render)
    for node_id, node in intake.nodes.items():
        assert f"== {node_id} ({node.kind})" in text
        assert "«" + node.say.splitlines()[0] in text
    assert "[«Yes, I agree»]" in text and "[«No, thank you»]" in text
    assert "[groups of the session]" in text and "[languages of the session]" in text
    assert "{title}" in text
    assert graph_order(intake) == ["language", "consent", "group", "declined", "joined"]


def test_the_ideas_preview_shows_the_done_button_and_the_receipts() -> None:
    text = preview(load_flows()["ideas"], _fake_render)
    assert "[«Done»]" in text
    assert "reply: «Idea {n} received:\n    {idea}»" in text
    assert "{question}" in text and "{limit}" in text


def test_a_translated_preview_asks_for_the_same_contexts_as_the_engine() -> None:
    translations = {"intake.consent.options.agree": "Ja, ik ga akkoord", "intake.group.say": "Bij welke groep hoort u?"}

    def render(text: Text) -> str:
        if isinstance(text, Verbatim):
            return text.text
        return translations.get(text.context, text.msgid).format_map(dict(text.params))

    shown = preview(load_flows()["intake"], render)
    assert "[Ja, ik ga akkoord]" in shown and "Bij welke groep hoort u?" in shown


def test_two_options_with_the_same_id_are_refused_when_extracting(tmp_path: Path) -> None:
    options = "        - id: ok\n          label: Fine\n        - id: ok\n          label: Sure\n"
    body = f"  a:\n    say: hi\n    result: r\n    choose:\n      options:\n{options}    end: true\n"
    path = _write(tmp_path, body)
    with pytest.raises(FlowError, match=r"node 'a', field options\.ok: appears twice"), path.open("rb") as handle:
        list(extract_flows(handle, ["pgettext"], [], {}))


def test_the_shipped_flows_agree_with_the_code_that_reads_their_answers() -> None:
    assert answer_problems(load_flows()) == []


def test_a_flow_whose_yaml_and_code_disagree_fails_the_check(tmp_path: Path) -> None:
    for path in FLOWS.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if path.stem == "new_session":  # an option renamed, and a question asked under a new name
            text = text.replace('{id: n20, label: "20"}', '{id: n25, label: "25"}').replace(
                "result: voting", "result: method"
            )
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    found = answer_problems(load_flows(tmp_path))
    assert any("idea_limit" in p and "n25" in p for p in found), found
    assert any("result 'method' is read by no code" in p for p in found), found
    assert any("NewSession.voting is read" in p for p in found), found
    assert main(["flows", "check", "--dir", str(tmp_path)]) == 1
    assert main(["flows", "check"]) == 0

"""Golden transcripts of the flow engine: for each kind of node, inputs in, message references out."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversation import (
    Answer,
    Choice,
    Contribution,
    Edit,
    Enter,
    Event,
    Facts,
    Finished,
    Flow,
    FlowError,
    FlowState,
    OtherIn,
    Press,
    TextIn,
    Toast,
    Transition,
    VoiceIn,
    Withdrawal,
    begin,
    load_flow,
    proceed,
    resume,
    step,
)
from bot.domain import Msg, Reply, Verbatim

FACTS = Facts(
    params={"question": "Wat helpt?", "title": "Assen", "started": True},
    options={
        "groups": (Choice("newcomer", Verbatim("Nieuwkomer")), Choice("resident", Verbatim("Bewoner"))),
        "themes": (
            Choice("taal", Verbatim("Taal")),
            Choice("werk", Verbatim("Werk")),
            Choice("zorg", Verbatim("Zorg")),
        ),
    },
    idea_limit=2,
    seed=7,
)


def flow_from(tmp_path: Path, text: str) -> Flow:
    path = tmp_path / "demo.yaml"
    path.write_text("id: demo\nversion: 1\n" + text)
    return load_flow(path)


def describe(transition: Transition) -> list[str]:
    """A transition in one line per output: kind, message context, buttons; then what it stores."""
    lines: list[str] = []
    for output in transition.outputs:
        if isinstance(output, Reply):
            text = output.text.context if isinstance(output.text, Msg) else output.text.text
            buttons = [("*" if b.badge == "✓" else b.badge) + b.action for row in output.buttons for b in row]
            lines.append(f"say {text} {buttons}" if buttons else f"say {text}")
        elif isinstance(output, Edit):
            reply = output.reply
            chosen = [c.text if isinstance(c, Verbatim) else c.context for c in output.chosen]
            if reply is None:
                lines.append("edit: drop buttons")
            else:
                buttons = [("*" if b.badge == "✓" else b.badge) + b.action for row in reply.buttons for b in row]
                lines.append(f"edit {chosen} {buttons}")
        elif isinstance(output, Toast):
            assert isinstance(output.text, Msg)
            lines.append(f"toast {output.text.context}")
    for result in transition.results:
        lines.append(f"store {result}")
    return lines


def run(flow: Flow, events: list[Event]) -> tuple[FlowState, list[list[str]]]:
    transition = begin(flow, FACTS)
    transcript = [describe(transition)]
    state = transition.state
    for event in events:
        transition = step(flow, state, event, FACTS)
        transcript.append(describe(transition))
        state = transition.state
    return state, transcript


def test_a_single_choice_stores_the_tapped_option_and_branches(tmp_path: Path) -> None:
    flow = flow_from(
        tmp_path,
        """start: ask
nodes:
  ask:
    say: "Agree?"
    choose:
      options: [{id: agree, label: "Yes"}, {id: decline, label: "No"}]
      branch: {decline: bye}
    result: consent
    next: thanks
  thanks: {say: "Thanks", end: true}
  bye: {say: "Bye", end: true, forget: true}
""",
    )
    state, transcript = run(flow, [TextIn("ja"), Press("ask:maybe"), Press("ask:decline")])
    assert transcript == [
        ["say demo.ask.say ['ask:agree', 'ask:decline']"],
        ["say engine.use_buttons"],
        ["toast engine.expired"],
        [
            "edit ['demo.ask.options.decline'] []",
            "say demo.bye.say",
            "store Answer(key='consent', value='decline')",
            "store Finished(flow='demo', then=None, forget=True)",
        ],
    ]
    assert state.done and state.answers == {"consent": "decline"}


def test_multiple_choice_toggles_and_needs_the_minimum_before_done(tmp_path: Path) -> None:
    flow = flow_from(
        tmp_path,
        """start: pick
nodes:
  pick:
    say: "Which?"
    choose_many: {from: themes, min: 1}
    result: themes
    next: end_node
  end_node: {say: "Ok", end: true}
""",
    )
    state, transcript = run(
        flow, [Press("pick:done"), Press("pick:werk"), Press("pick:taal"), Press("pick:werk"), Press("pick:done")]
    )
    assert transcript[1] == ["toast engine.pick_more"]
    assert transcript[2] == ["edit [] ['pick:taal', '*pick:werk', 'pick:zorg', 'pick:done']"]
    assert transcript[4] == ["edit [] ['*pick:taal', 'pick:werk', 'pick:zorg', 'pick:done']"]
    assert transcript[5][-2:] == [
        "store Answer(key='themes', value=['taal'])",
        "store Finished(flow='demo', then=None, forget=False)",
    ]
    assert state.answers["themes"] == ["taal"]


def test_free_text_is_checked_for_length_and_kept_as_typed(tmp_path: Path) -> None:
    flow = flow_from(
        tmp_path,
        """start: name
nodes:
  name:
    say: "Your street?"
    text: {min: 2, max: 10}
    result: street
    next: done_node
  done_node: {say: "Ok", end: true}
""",
    )
    _, transcript = run(flow, [VoiceIn("f", 3), TextIn("x"), TextIn("x" * 11), TextIn("  Esdoorn 1 ")])
    assert [t[0] for t in transcript[1:4]] == ["say engine.type_text", "say engine.too_short", "say engine.too_long"]
    assert "store Answer(key='street', value='  Esdoorn 1 ')" in transcript[4]


def test_a_text_to_read_aloud_takes_only_a_voice_message_and_a_typed_one_is_told_so(tmp_path: Path) -> None:
    flow = flow_from(
        tmp_path,
        """start: read
nodes:
  read:
    say: "Read this aloud"
    text: {voice: true, typed: false, skip: "Cancel"}
    result: recording
    next: done_node
  done_node: {say: "Ok", end: true}
""",
    )
    _, transcript = run(flow, [TextIn("Wat helpt u?"), VoiceIn("f1", 9)])
    assert transcript[1] == ["say engine.voice_only"], "typing is not reading aloud: nothing is stored"
    assert "store Answer(key='recording', value={'voice': 'f1', 'duration': 9})" in transcript[2]
    with pytest.raises(FlowError, match="must take a voice message"):
        flow_from(tmp_path, 'start: a\nnodes:\n  a: {say: "Q", text: {typed: false}, result: r, end: true}\n')


def test_collect_confirms_each_idea_allows_undo_and_says_a_message_past_the_limit_is_not_kept(
    tmp_path: Path,
) -> None:
    flow = flow_from(
        tmp_path,
        """start: ask
nodes:
  ask:
    say: "{question}"
    collect:
      max: 3
      received: "Idea {n}: {idea}"
      received_voice: "Voice {n}"
      limit_reached: "Max {limit}"
      over_limit: "Not kept, max {limit}"
      after_done: "Thanks, more until {limit}"
      so_far: "{n} of {limit}"
""",
    )
    events: list[Event] = [
        TextIn("Taalcafé"),
        OtherIn("sticker"),
        VoiceIn("voice-1", 9),
        Press("ask:undo.1"),
        Press("ask:undo.2"),
        Press("ask:undo.2"),
        TextIn("Buurthuis"),
        TextIn("Nog één"),
        TextIn("Te veel"),
        Enter(),
    ]
    state, transcript = run(flow, events)
    assert transcript == [
        ["say demo.ask.say ['ask:done']"],
        [
            "say demo.ask.collect.received ['ask:undo.1', 'ask:done']",
            "store Contribution(seq=1, text='Taalcafé', file_id=None, duration=None)",
        ],
        ["say engine.text_or_voice"],
        [
            "say demo.ask.collect.received_voice ['ask:undo.2', 'ask:done']",
            "store Contribution(seq=2, text=None, file_id='voice-1', duration=9)",
        ],
        ["toast engine.expired"],  # only the last idea can be taken back
        ["edit [] ['ask:done']", "store Withdrawal(seq=2)"],  # Done stays at hand
        ["toast engine.expired"],  # and only once
        [
            "say demo.ask.collect.received ['ask:undo.3', 'ask:done']",
            "store Contribution(seq=3, text='Buurthuis', file_id=None, duration=None)",
        ],
        [
            "say demo.ask.collect.received",
            "say demo.ask.collect.limit_reached",
            "store Contribution(seq=4, text='Nog één', file_id=None, duration=None)",
        ],
        ["say demo.ask.collect.over_limit"],  # said, and nothing stored
        ["say demo.ask.say", "say demo.ask.collect.limit_reached"],  # coming back: no Done, the limit reached
    ]
    assert not state.done and state.scratch["live"] == [1, 3, 4]


def test_collect_done_thanks_and_drops_the_buttons_and_more_ideas_can_follow(tmp_path: Path) -> None:
    flow = flow_from(
        tmp_path,
        """start: ask
nodes:
  ask:
    say: "Q"
    collect: {max: 5, received: "R {n}", received_voice: "V", limit_reached: "L", over_limit: "O",
              after_done: "T", so_far: "{n} of {limit}"}
""",
    )
    _, transcript = run(flow, [TextIn("Een"), Press("ask:done"), TextIn("Twee"), Enter()])
    assert transcript[2] == ["edit: drop buttons", "say demo.ask.collect.after_done"]
    assert transcript[3] == [
        "say demo.ask.collect.received ['ask:undo.2', 'ask:done']",
        "store Contribution(seq=2, text='Twee', file_id=None, duration=None)",
    ]
    assert transcript[4] == ["say demo.ask.say ['ask:done']", "say demo.ask.collect.so_far"], (
        "coming back shows the question and how many ideas were sent so far"
    )


def test_a_collect_node_never_leaves_so_it_has_no_next(tmp_path: Path) -> None:
    with pytest.raises(FlowError, match="neither `next` nor `end`"):
        flow_from(
            tmp_path,
            """start: ask
nodes:
  ask:
    say: "Q"
    collect: {received: "R", received_voice: "V", limit_reached: "L", over_limit: "O", after_done: "T", so_far: "S"}
    next: thanks
  thanks: {say: "Thanks", end: true}
""",
        )


def test_a_scale_offers_one_button_per_step_with_its_emoji(tmp_path: Path) -> None:
    flow = flow_from(
        tmp_path,
        """start: mood
nodes:
  mood:
    say: "How was it?"
    scale: {min: 1, max: 3, labels: ["☹️", "😐", "🙂"]}
    result: mood
    next: bye
  bye: {say: "Bye", end: true}
""",
    )
    state, transcript = run(flow, [Press("mood:4"), Press("mood:3")])
    assert transcript[0] == ["say demo.mood.say ['mood:1', 'mood:2', 'mood:3']"]
    assert transcript[1] == ["toast engine.expired"]
    assert transcript[2][0] == "edit ['🙂'] []"
    assert state.answers == {"mood": 3}


def test_rank_picks_the_top_n_in_order_with_a_restart_before_confirming(tmp_path: Path) -> None:
    flow = flow_from(
        tmp_path,
        """start: top
nodes:
  top:
    say: "Your top 2"
    rank: {from: themes, pick: 2}
    result: ranking
    next: bye
  bye: {say: "Bye", end: true}
""",
    )
    events: list[Event] = [
        Press("top:ok"),
        Press("top:zorg"),
        Press("top:zorg"),
        Press("top:reset"),
        Press("top:werk"),
        Press("top:taal"),
        Press("top:zorg"),
        Press("top:ok"),
    ]
    state, transcript = run(flow, events)
    assert transcript[0] == ["say demo.top.say ['top:taal', 'top:werk', 'top:zorg']"]
    assert transcript[1] == ["toast engine.expired"]
    assert transcript[2] == ["edit ['Zorg'] ['top:taal', 'top:werk', 'top:reset']"]
    assert transcript[3] == ["toast engine.expired"]  # already picked
    assert transcript[4] == ["edit [] ['top:taal', 'top:werk', 'top:zorg']"]
    assert transcript[6] == ["edit ['Werk', 'Taal'] ['top:ok', 'top:reset']"]
    assert transcript[7] == ["toast engine.expired"]  # the top 2 is full
    assert "store Answer(key='ranking', value=['werk', 'taal'])" in transcript[8]
    assert state.done


def test_pairwise_asks_each_pair_once_records_ties_and_can_stop_early(tmp_path: Path) -> None:
    flow = flow_from(
        tmp_path,
        """start: duel
nodes:
  duel:
    say: "Which matters more?"
    pairwise: {from: themes, rounds: 3}
    result: duels
    next: bye
  bye: {say: "Bye", end: true}
""",
    )
    first = begin(flow, FACTS)
    buttons = [b.action for row in first.outputs[0].buttons for b in row]  # type: ignore[union-attr]
    assert buttons == ["duel:0.a", "duel:0.b", "duel:0.skip", "duel:0.stop"]
    state, question = first.state, first.outputs[-1]
    seen_pairs: list[frozenset[str]] = []
    votes: list[list[str]] = []
    for round_number, choice in enumerate(["a", "skip"]):
        assert isinstance(question, Reply) and isinstance(question.text, Msg)
        assert (question.text.params["n"], question.text.params["total"]) == (round_number + 1, 3), "pair n of 3"
        labels = [b.label.text for b in question.buttons[0]]  # type: ignore[union-attr]
        seen_pairs.append(frozenset(labels))
        transition = step(flow, state, Press(f"duel:{round_number}.{choice}"), FACTS)
        state, question = transition.state, transition.outputs[-1]
        votes = state.answers["duels"]
    assert len(set(seen_pairs)) == 2, "no pair is asked twice"
    assert votes[1][2] == "tie" and votes[0][2] == "won"
    stale = step(flow, state, Press("duel:0.a"), FACTS)
    assert describe(stale) == ["toast engine.expired"]
    stopped = step(flow, state, Press("duel:2.stop"), FACTS)
    assert stopped.state.done and stopped.state.answers["duels"] == votes


def test_statements_chain_into_the_next_question_and_flows_run_into_the_next_flow(tmp_path: Path) -> None:
    flows = {f.id: f for f in (load_flow(Path("flows/intake.yaml")), load_flow(Path("flows/ideas.yaml")))}
    facts = Facts(params=FACTS.params, options={**FACTS.options, "languages": (Choice("nl", Verbatim("Nederlands")),)})
    state = begin(flows["intake"], facts).state
    for press in ("language:nl", "consent:agree"):
        state = step(flows["intake"], state, Press(press), facts).state
    joined = proceed(flows, step(flows["intake"], state, Press("group:resident"), facts), facts)
    assert describe(joined) == [
        "edit ['Bewoner'] []",
        "say intake.joined.say",
        "say ideas.ask.say ['ask:done']",
        "store Answer(key='group', value='resident')",
        "store Finished(flow='intake', then='ideas', forget=False)",
    ]
    assert joined.state.flow == "ideas" and joined.state.answers["group"] == "resident"
    draft = Facts(params={**facts.params, "started": False}, options=facts.options)
    early = proceed(flows, step(flows["intake"], state, Press("group:resident"), draft), draft)
    assert describe(early)[2:4] == ["say ideas.early.say", "say ideas.ask.say ['ask:done']"], (
        "joining before the session opens says so first, then asks the question, which can already be answered"
    )


def test_placeholders_are_filled_from_the_session(tmp_path: Path) -> None:
    flows = {"ideas": load_flow(Path("flows/ideas.yaml"))}
    ask = begin(flows["ideas"], FACTS).outputs[0]
    assert isinstance(ask, Reply) and isinstance(ask.text, Msg)
    assert dict(ask.text.params) == {"question": "Wat helpt?"}


def test_after_a_new_flow_version_people_resume_at_the_same_node_or_the_resume_node(tmp_path: Path) -> None:
    flow = flow_from(
        tmp_path,
        """start: a
resume: b
nodes:
  a: {say: "A", text: {}, result: x, next: b}
  b: {say: "B", text: {}, result: y, next: c}
  c: {say: "C", end: true}
""",
    )
    newer = flow.model_copy(update={"version": 2})
    kept = resume(newer, FlowState("demo", 1, "a", {}, {"partial": 1}))
    assert (kept.version, kept.node, dict(kept.scratch)) == (2, "a", {"partial": 1})
    moved = resume(newer, FlowState("demo", 1, "gone", {}, {"partial": 1}))
    assert (moved.node, dict(moved.scratch)) == ("b", {})


def test_re_entering_shows_the_current_question_again_without_changing_anything(tmp_path: Path) -> None:
    flow = load_flow(Path("flows/intake.yaml"))
    facts = Facts(options={"languages": (Choice("ar", Verbatim("العربية")),)})
    state = begin(flow, facts).state
    again = step(flow, state, Enter(), facts)
    assert again.state == state and again.results == ()
    assert describe(again) == ["say intake.language.say ['language:ar']"]


@pytest.mark.parametrize("forged", ["", ":", "language", "language:", "consent:agree", "language:xx", "x" * 64])
def test_forged_or_stale_buttons_change_nothing(forged: str) -> None:
    flow = load_flow(Path("flows/intake.yaml"))
    facts = Facts(options={"languages": (Choice("ar", Verbatim("العربية")),)})
    state = begin(flow, facts).state
    refused = step(flow, state, Press(forged), facts)
    assert refused.state == state and not refused.accepted and refused.results == ()


def test_states_survive_a_round_trip_through_storage() -> None:
    state = FlowState("ideas", 1, "ask", {"group": "newcomer"}, {"live": [1, 3], "last": 3})
    assert FlowState.from_json(state.to_json()) == state


def test_results_are_values_that_say_what_to_store() -> None:
    assert Answer("group", "resident") == Answer("group", "resident")
    assert Withdrawal(2) != Withdrawal(3)
    assert Finished("intake", "ideas").then == "ideas"
    assert Contribution(1, text="x").file_id is None


def test_dots_can_pile_up_on_one_theme_and_start_again_before_confirming(tmp_path: Path) -> None:
    flow = flow_from(
        tmp_path,
        """start: spread
nodes:
  spread:
    say: "You have 3 dots."
    dots: {from: themes, dots: 3}
    result: vote
    next: bye
  bye: {say: "Bye", end: true}
""",
    )
    events: list[Event] = [
        Press("spread:ok"),
        Press("spread:zorg"),
        Press("spread:reset"),
        Press("spread:taal"),
        Press("spread:taal"),
        Press("spread:werk"),
        Press("spread:full"),
        Press("spread:ok"),
    ]
    state, transcript = run(flow, events)
    assert transcript[0] == ["say engine.dots_left ['spread:taal', 'spread:werk', 'spread:zorg']"]
    assert transcript[1] == ["toast engine.expired"]  # nothing to confirm yet
    assert transcript[2] == ["edit [] ['spread:taal', 'spread:werk', '●spread:zorg', 'spread:ok', 'spread:reset']"]
    assert transcript[5] == ["edit [] ['●●spread:taal', 'spread:werk', 'spread:zorg', 'spread:ok', 'spread:reset']"]
    assert transcript[6] == ["edit [] ['●●spread:full', '●spread:full', 'spread:full', 'spread:ok', 'spread:reset']"]
    assert transcript[7] == ["toast engine.no_dots_left"]
    assert "store Answer(key='vote', value={'taal': 2, 'werk': 1})" in transcript[8]
    assert state.done
    placed = [step(flow, begin(flow, FACTS).state, Press("spread:taal"), FACTS)]
    placed.append(step(flow, placed[0].state, Press("spread:ok"), FACTS))
    question = placed[0].outputs[0]
    assert isinstance(question, Edit) and question.reply is not None and isinstance(question.reply.text, Msg)
    assert dict(question.reply.text.params)["left"] == 2, "the question says how many dots are left"
    confirmed = placed[1].outputs[0]
    assert isinstance(confirmed, Edit) and confirmed.chosen == (
        Msg("engine.dots_given", "{theme}: {dots}", {"theme": Verbatim("Taal"), "dots": "●"}),
    ), "the confirmation lists each theme with its dots"


def test_a_question_whose_answer_is_already_known_is_passed_by(tmp_path: Path) -> None:
    flow = flow_from(
        tmp_path,
        """start: language
nodes:
  language:
    say: "Language?"
    skip_if: language_known
    choose: {from: languages}
    result: locale
    next: hello
  hello: {say: "Hello", next: group}
  group:
    say: "Group?"
    skip_if: group_known
    choose: {from: groups}
    result: group
    next: done
  done: {say: "Done", end: true}
""",
    )
    known = Facts(params={"language_known": 1, "group_known": 0}, options=FACTS.options)
    opening = begin(flow, known)
    assert describe(opening) == ["say demo.hello.say", "say demo.group.say ['group:newcomer', 'group:resident']"]
    everything_known = Facts(params={"language_known": 1, "group_known": 1}, options=FACTS.options)
    assert describe(begin(flow, everything_known)) == [
        "say demo.hello.say",
        "say demo.done.say",
        "store Finished(flow='demo', then=None, forget=False)",
    ]


def test_an_end_node_cannot_be_skipped(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="skip_if"):
        flow_from(tmp_path, 'start: done\nnodes:\n  done: {say: "Done", end: true, skip_if: known}\n')

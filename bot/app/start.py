"""`/start`: a link's code leads into joining a session or a pool, owning an action or coordinating; without
one, the person carries on where they were, or is greeted."""

from __future__ import annotations

from bot.app import agenda, coordinating, participation, pools, texts
from bot.app.dispatch import command
from bot.app.step import Step
from bot.app.welcome import language_rows, resume
from bot.domain import Reply, is_action_invite, is_invite_token


@command("start")
def on_start(step: Step) -> None:
    """Join with a link's code; otherwise resume the person's conversation, or greet them."""
    given = step.incoming.command
    assert given is not None
    if given.args:
        payload = given.args[0]
        if is_action_invite(payload):
            agenda.invited(step, payload)
        elif is_invite_token(payload):
            coordinating.redeem(step, payload)
        elif not pools.join(step, payload):
            participation.join(step, payload)
        return
    if resume(step):
        return
    if step.person is None or step.person.locale is None:
        step.say(Reply(texts.CHOOSE_LANGUAGE, language_rows(step.hint)))
    else:
        step.say(texts.WELCOME)

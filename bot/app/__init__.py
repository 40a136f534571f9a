"""What inspraak does, Telegram-free: one driver turns every update into a step of one transaction, runs hold
the conversations, jobs take scheduled steps, and delivery renders what was journaled."""

from bot.app import texts
from bot.app.agenda import stopped as person_stopped
from bot.app.answers import problems as answer_problems
from bot.app.delivery import Delivery, Later
from bot.app.driver import Driver, SetAside, check_registrations
from bot.app.incoming import Command, Edited, Incoming, Pressed, Sender
from bot.app.jobs import run as run_job
from bot.app.outgoing import EditText, Keyboard, Outgoing, SendDocument, SendPhoto, SendText, SendVoice
from bot.app.services import Clock, Services
from bot.app.step import Handled

__all__ = [
    "Clock",
    "Command",
    "Delivery",
    "Driver",
    "EditText",
    "Edited",
    "Handled",
    "Incoming",
    "Keyboard",
    "Later",
    "Outgoing",
    "Pressed",
    "SendDocument",
    "SendPhoto",
    "SendText",
    "SendVoice",
    "Sender",
    "Services",
    "SetAside",
    "answer_problems",
    "check_registrations",
    "person_stopped",
    "run_job",
    "texts",
]

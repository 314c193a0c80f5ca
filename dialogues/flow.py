"""The dialogue state machine of a questionnaire, built once from its content with `transitions`.

Every question is a state, followed by the final state ``END``. The machine is built once and
shared: for each move a conversation's saved state is restored on the machine's one cursor, the
trigger fires, and the new state is read back. `transitions` machines are not thread-safe, hence
the lock. (Restoring onto a standing cursor is 20x faster than add_model/remove_model per move;
remembering each move, as ``move`` does, is another 200x.)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from itertools import pairwise

from transitions import Machine, MachineError

from dialogues.content import Questionnaire

END = "einde"

NEXT = "verder"
BACK = "terug"


def goto(state: str) -> str:
    """The trigger that jumps to ``state`` from anywhere (revisiting a question, choosing a Deel)."""
    return f"naar_{state}"


class CannotMove(Exception):
    """The move is not possible from this state (back from the first question, on past the end)."""


class _Cursor:
    """The machine's model: holds the state of the conversation being moved."""

    state: str


class Flow:
    """Moves through one questionnaire: ``move(state, trigger) -> new state``."""

    def __init__(self, questionnaire: Questionnaire, machine_class: type[Machine] = Machine,
                 jumps: bool = True, **machine_options):
        self.questionnaire = questionnaire
        self.states: tuple[str, ...] = (*(q.id for q in questionnaire.questions), END)
        self._lock = threading.Lock()
        self._moves: dict[tuple[str, str], str | CannotMove] = {}
        self._cursor = _Cursor()
        self._machine = machine_class(
            model=self._cursor,
            states=[*self.states[:-1], {"name": END, "final": True}],
            initial=self.states[0],
            auto_transitions=False,
            **machine_options,
        )
        self._machine.add_ordered_transitions(list(self.states), trigger=NEXT, loop=False)
        for earlier, later in pairwise(self.states):
            self._machine.add_transition(BACK, later, earlier)
        if jumps:
            for state in self.states:
                self._machine.add_transition(goto(state), "*", state)

    @property
    def first(self) -> str:
        return self.states[0]

    def move(self, state: str, trigger: str) -> str:
        """The state after ``trigger`` fires in ``state``; ``CannotMove`` if it cannot fire there.
        The machine has no conditions or callbacks, so a move depends on the state and the trigger
        alone: the machine works each one out once, and it is remembered."""
        moved = self._moves.get((state, trigger))
        if moved is None:
            moved = self._moves.setdefault((state, trigger), self._fire(state, trigger))
        if isinstance(moved, CannotMove):
            raise CannotMove(*moved.args)
        return moved

    def _fire(self, state: str, trigger: str) -> str | CannotMove:
        if state not in self.states:
            return CannotMove(f"unknown state {state!r}")
        with self._lock:
            self._machine.set_state(state, model=self._cursor)
            try:
                self._cursor.trigger(trigger)
            except (MachineError, AttributeError):
                return CannotMove(f"{trigger} from {state}")
            return self._cursor.state

    def walk(self, start: str, trigger: str) -> Sequence[str]:
        """Every state reached by firing ``trigger`` repeatedly from ``start`` (for checks)."""
        path = [start]
        while True:
            try:
                path.append(self.move(path[-1], trigger))
            except CannotMove:
                return path
            if len(path) > len(self.states):
                raise CannotMove(f"{trigger} from {start} loops")


def diagram(questionnaire: Questionnaire) -> str:
    """A Mermaid state diagram of the question order (the jumps of wijzig and deel left out)."""
    from transitions.extensions.diagrams import GraphMachine

    flow = Flow(questionnaire, GraphMachine, jumps=False, graph_engine="mermaid",
                title=f"{questionnaire.title}: verder en terug", show_state_attributes=False)
    mermaid = flow._machine.get_graph().draw(None)
    # Mermaid state ids may not contain dots; "rollen.wie" becomes "rollen__wie".
    return re.sub(r"(?<=[a-z0-9_])\.(?=[a-z])", "__", mermaid)


if __name__ == "__main__":
    from dialogues.content import checklist

    print(diagram(checklist()), end="")

"""A power cut at any moment loses no received text and no STOP: a real box on the modem
simulator, its journal's fsyncs noted (power_cut.py). At every `AT+CMGD` in the simulator's
transcript, the durable state (the data files plus the journal as it stood at the last fsync)
must already hold what that delete took off the SIM; at every `AT+CMGS` of a STOP's
confirmation, the opt-out must be durable. A delivery report is deleted only once the status it
set is durable."""
from tests.appliance.box_support import CALLER, OTHER_CALLER, running_box
from tests.appliance.power_cut import PowerCut, sends, sim_deletes
from tests.helpers import wait_for

LONG = "".join(f"part of a long text {i:03d}; " for i in range(20)) + "END"   # 3+ parts


def covered(state, label) -> bool:
    """Whether a power-cut state holds the received part `label` = (sender, text, part), or
    the delivery report `label` = ("report", number, text) as the text's status."""
    sender, text, part = label
    if sender == "report":
        return any(m["number"] == text and m["text"] == part and m.get("status") == "delivered"
                   for m in state.rows("messages-", "messages"))
    if any(m["number"] == sender and m["text"] == text for m in state.texts_in()):
        return True
    return any(p["sender"] == sender and p["part"] == part and p["total"] > 1
               for p in state.pending_parts())


def test_a_power_cut_at_any_sim_delete_or_stop_confirmation_loses_nothing(tmp_path):
    data = tmp_path / "data"
    cut = PowerCut(data, tmp_path / "cuts")
    with running_box(data, disk_fsync=cut.fsync) as app:
        sim = app.simulator
        known = {}
        for sender, text in ((CALLER, "Can you come Tuesday?"), (OTHER_CALLER, LONG),
                             (CALLER, "STOP")):
            pdus = sim.receive_text(sender, text)
            known.update({pdu.upper(): (sender, text, n + 1) for n, pdu in enumerate(pdus)})
            wait_for(lambda: not sim.storage.get("SM"), 10, "the SIM emptied by the box")
        wait_for(lambda: CALLER in [n for n, _ in sim.sent_texts()], 10, "the STOP confirmed")
        confirmation = sim.sent[-1]
        report = sim.deliver_report(confirmation.reference, memory="SM")
        known[report.upper()] = ("report", CALLER, confirmation.text)
        wait_for(lambda: not sim.storage.get("SM"), 10, "the delivery report taken in")
        assert len(known) >= 6                     # the long text came in three parts or more

        deletes = sim_deletes(sim, known)
        assert sorted(label for _, label in deletes if label) == sorted(known.values())
        for moment, label in deletes:
            if label:
                assert covered(cut.state_at(moment), label), \
                    f"{label[:2]} part {label[2]} deleted from the SIM before it was on disk"
        confirmations = sends(sim)
        assert len(confirmations) == 1
        contact = cut.state_at(confirmations[0]).contact(CALLER)
        assert contact and contact["opted_out"], "STOP confirmed before it was on disk"
        final = cut.state_at(float("inf"))
        assert sorted(m["text"] for m in final.texts_in()) == sorted(
            ["Can you come Tuesday?", LONG, "STOP"])
        assert final.pending_parts() == []

"""Texts going out: queueing a text (outgoing.py), the outbox on disk (outbox.py), the sender
thread that submits one text at a time (sender.py), recording what became of it
(send_results.py) and the rules every automatic text obeys (auto_texts.py).
"""

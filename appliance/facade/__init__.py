"""The box as the web page sees it: the `Box` facade (box.py) with its read models and commands
to the service, and who may use the page (access.py).
"""

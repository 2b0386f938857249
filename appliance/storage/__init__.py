"""What the box remembers: TinyDB files in the data folder behind one `Store` and one lock, the
write-ahead journal, the disk's room, the secrets (token, password, hotspot key) and login
sessions. Imports only the pure core.
"""

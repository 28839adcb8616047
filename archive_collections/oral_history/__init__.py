"""Oral history: the interview player, transcript and index formats, validation and editing.

One neutral representation (`document.Document`: transcript lines and index points) sits between
every file format and the database, so each format needs only a reader and a writer, and the
importer, the admin and the public exports all share the same parsers.
"""

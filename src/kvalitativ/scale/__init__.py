"""Working at scale: streamed (chunked) processing in bounded memory, and distributed engines.

``kvalitativ.scale.chunked.code_notes_streamed`` ingests, redacts and codes an export of any
size chunk by chunk (memory set by the chunk size, not the corpus size).
"""

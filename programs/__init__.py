"""The reference layer: countries and their spellings, agencies, authorities (statutes, executive orders and
their lifecycle), programs (the tags lists publish), and the citations editors attach to any record; their
admin, filters and read-only API. It imports only ``tracker``.
"""
